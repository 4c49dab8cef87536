"""Creating and deactivating users; shared by the CLI and the demo seed."""
from sqlalchemy import select

from ..extensions import db
from .models import Role, Team, User
from .passwords import hash_password
from .sessions import end_all_sessions

ROLES = [r.value for r in Role]


def team_named(name: str) -> Team:
    team = db.session.scalar(select(Team).filter_by(name=name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


def create_user(username: str, password: str, role: str, team: str, display_name: str | None = None) -> User:
    username = username.strip().lower()
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 40:
        raise ValueError("username must be 1 to 40 characters")
    if len(password) < 12:
        raise ValueError("password must be at least 12 characters")
    if db.session.scalar(select(User).filter_by(username=username)) is not None:
        raise ValueError(f"user {username!r} already exists")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), team=team_named(team))
    db.session.add(user)
    db.session.flush()
    return user


def deactivate(username: str) -> User:
    user = db.session.scalar(select(User).filter_by(username=username.strip().lower()))
    if user is None:
        raise ValueError(f"no user {username!r}")
    user.active = False
    end_all_sessions(user)
    return user
