"""Named queries for the people a feature picks out: who takes a team's concerns, who is alerted."""
from sqlalchemy import select

from ..extensions import db
from .models import Role, User

# Every active duty manager (add the team): the people alerts and the rota are about.
ACTIVE_MANAGERS = (User.role == Role.DUTY_MANAGER.value, User.active)


def managers_of(team_id: int) -> list[User]:
    """The team's active duty managers, by name."""
    return list(db.session.scalars(select(User).where(User.team_id == team_id, *ACTIVE_MANAGERS)
                                    .order_by(User.display_name, User.id)).unique())


def admins() -> list[User]:
    """Every active administrator: the last step of an escalation."""
    return list(db.session.scalars(select(User).where(
        User.active, User.role == Role.ADMIN.value).order_by(User.id)).unique())


def assignees(team_id: int) -> list[User]:
    """Who may take one of the team's concerns on: its active field workers and managers."""
    return list(db.session.scalars(select(User).where(
        User.team_id == team_id, User.active,
        User.role.in_([Role.FIELD_WORKER.value, Role.DUTY_MANAGER.value])).order_by(User.display_name)))


def active(ids: set[int]) -> list[User]:
    """Those of `ids` still active (deactivated people are alerted about nothing)."""
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active)).unique()) if ids else []


def teams_with_managers() -> list[int]:
    """The ids of teams that have at least one active duty manager."""
    return list(db.session.scalars(select(User.team_id).where(*ACTIVE_MANAGERS).distinct()))
