"""What an admin does to people's accounts; every change is audited in its own transaction."""
import secrets

from sqlalchemy import delete, func, or_, select

from ..accounts import second_factor, setup_codes
from ..accounts.models import Team, User
from ..accounts.passwords import hash_password
from ..accounts.sessions import end_all_sessions
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db


MAX_ID = 2**31 - 1  # a larger number in the path is no row, and no database error either


def person(person_id: int) -> User:
    user = db.session.get(User, person_id) if 0 < person_id <= MAX_ID else None
    if user is None:
        raise ApiError(404, "No such person.")
    return user


def team(team_id: int, field: str = "team_id") -> Team:
    row = db.session.get(Team, team_id)
    if row is None:
        raise ApiError(422, "No such team.", fields={field: ["No such team."]})
    return row


def listed(args: dict) -> list[User]:
    query = select(User).order_by(func.lower(User.display_name), User.id)
    if args.get("q"):
        q = args["q"].strip().lower()
        query = query.where(or_(User.username.contains(q, autoescape=True),
                                func.lower(User.display_name).contains(q, autoescape=True)))
    if "team" in args:
        query = query.where(User.team_id == args["team"])
    if "active" in args:
        query = query.where(User.active.is_(args["active"]))
    return db.session.scalars(query.limit(500)).all()


def create(body: dict, admin: User) -> tuple[User, str, object]:
    username = body["username"].strip().lower()
    if db.session.scalar(select(User.id).filter_by(username=username)) is not None:
        raise ApiError(422, "Someone already has this username.",
                       fields={"username": ["Someone already has this username."]})
    # No password exists until the person sets one with the setup code: this random one is
    # never shown to anyone (and hashing it keeps a sign-in attempt as slow as any other).
    user = User(username=username, display_name=body["display_name"].strip() or username,
                role=body["role"], team=team(body["team_id"]),
                password_hash=hash_password(secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    record("create_person", "user", str(user.id), user=admin,
           detail={"role": user.role, "team_id": user.team_id})
    code, expires_at = setup_codes.issue(user, admin)
    return user, code, expires_at


def _not_self(user: User, admin: User, what: str) -> None:
    # An admin who could demote or deactivate themselves could leave nobody to undo it.
    if user.id == admin.id:
        raise ApiError(409, f"You cannot {what} your own account here; another admin can.", "own_account")


ANOTHER_ADMIN = ("{what} another admin's account is done on the server ({command}), not in the console: "
                 "one admin alone cannot take over another.")


def _not_another_admin(user: User, admin: User, what: str, command: str) -> None:
    # A reset authenticator plus a setup code the admin redeems themselves would be a takeover.
    if user.is_admin and user.id != admin.id:
        raise ApiError(409, ANOTHER_ADMIN.format(what=what, command=command), "another_admin")


def update(user: User, body: dict, admin: User) -> User:
    changes = {}
    if "role" in body and body["role"] != user.role:
        _not_self(user, admin, "change the role of")
        changes["role"] = [user.role, body["role"]]
        user.role = body["role"]
    if "team_id" in body and body["team_id"] != user.team_id:
        changes["team_id"] = [user.team_id, team(body["team_id"]).id]
        user.team_id = body["team_id"]
    if "display_name" in body and body["display_name"].strip() != user.display_name:
        changes["display_name"] = True  # the change, not the names
        user.display_name = body["display_name"].strip() or user.display_name
    if changes:
        record("update_person", "user", str(user.id), user=admin, detail=changes)
    if "role" in changes or "team_id" in changes:
        # What a session may do was decided at sign-in (the second factor a role needs, the
        # team it sees): every session and device key ends, and they sign in again as they are now.
        end_all_sessions(user)
    db.session.flush()
    db.session.refresh(user)  # the team relationship, after a team_id change
    return user


def deactivate(user: User, admin: User) -> User:
    _not_self(user, admin, "deactivate")
    if user.active:
        user.active = False
        # Every session ends and every device key goes: the phone wipes at its next contact
        # (account_deactivated), as for `flask users deactivate`.
        end_all_sessions(user)
        setup_codes.discard_unused(user)
        record("deactivate", "user", str(user.id), user=admin)
    return user


def reactivate(user: User, admin: User) -> User:
    """Undoes a deactivation made in error: they can sign in again, with their password or a new
    setup code. What the deactivation ended stays ended (its sessions, device keys and unused
    codes), and the phone it wiped keeps nothing back: they sign in on it afresh."""
    if not user.active:
        user.active = True
        record("reactivate", "user", str(user.id), user=admin)
    return user


def end_sessions(user: User, admin: User) -> User:
    _not_self(user, admin, "end the sessions of")
    end_all_sessions(user)
    record("end_sessions", "user", str(user.id), user=admin)
    return user


def new_setup_code(user: User, admin: User):
    _not_another_admin(user, admin, "Giving a setup code to", "flask users setup-code")
    if not user.active:
        raise ApiError(409, "This account is deactivated.", "person_deactivated")
    return setup_codes.issue(user, admin)


def reset_second_factor(user: User, admin: User) -> User:
    _not_another_admin(user, admin, "Resetting the authenticator of", "flask users reset-second-factor")
    second_factor.remove(user)
    # Whoever holds the lost authenticator's sessions is signed out too.
    end_all_sessions(user)
    record("reset_second_factor", "user", str(user.id), user=admin)
    return user


def unlink_from_provider(user: User, admin: User) -> User:
    """Makes a single sign-on account a local one, deliberately: the provider's identity and
    sessions are forgotten, every session ends, and the password is one nobody knows until the
    person sets theirs with a setup code (issued next, by an admin)."""
    from ..sso.models import SsoIdentity, SsoSession
    _not_another_admin(user, admin, "Unlinking", "flask users unlink-organisation")
    identity = db.session.scalar(select(SsoIdentity).filter_by(user_id=user.id))
    if identity is None:
        raise ApiError(409, "This account is not linked to single sign-on.", "not_linked")
    record("sso_unlinked", "user", str(user.id), user=admin, detail={"issuer": identity.issuer})
    db.session.execute(delete(SsoSession).where(SsoSession.user_id == user.id))
    db.session.delete(identity)
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    end_all_sessions(user)
    return user
