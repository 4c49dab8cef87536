"""Who is asking: the session cookie, server-side revocation, and role checks."""
import time
from functools import wraps

from flask import current_app, g, session
from sqlalchemy import bindparam, select

from ..errors import ApiError
from ..extensions import db
from . import device_keys
from .models import User


def log_in(user: User) -> str:
    """Starts a session; returns its device key, which the login answer carries (once)."""
    # A fresh session on login: nothing from before (a planted id or token) survives, and
    # the key of the session this cookie held before stops counting.
    device_keys.forget_current()
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    # The absolute lifetime counts from here; activity never extends it.
    session["since"] = int(time.time())
    session.permanent = True
    return device_keys.issue(user)


def end_all_sessions(user: User) -> None:
    user.session_epoch += 1
    device_keys.revoke_all(user)


# The user and the stored hash of the session's device key (NULL: none), built once: every
# personal request reads them, so they cost one statement, not two.
_USER_AND_KEY = select(User, device_keys.key_hash_of(bindparam("device"), bindparam("uid"))).where(
    User.id == bindparam("uid"))


def _outlived(since) -> bool:
    limit = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    return not isinstance(since, int) or not 0 <= time.time() - since <= limit


def current_user() -> User | None:
    """The signed-in user, or None; raises 401 when the session was revoked."""
    if "user" in g:
        return g.user
    return _signed_in(with_key=False)[0]


def current_user_and_key() -> tuple[User | None, object]:
    """The signed-in user and the stored hash of this session's device key (None: no such key),
    read in one statement: the device lock needs both on every personal request.
    When the user was read before without it, the hash is device_keys.UNREAD (matches reads it)."""
    if "user" in g:
        return g.user, device_keys.UNREAD
    return _signed_in(with_key=True)


def _signed_in(with_key: bool) -> tuple[User | None, object]:
    user, stored = None, None
    uid = session.get("uid")
    if uid is not None and _outlived(session.get("since")):
        # Past the absolute lifetime: simply signed out, like an expiry (the device keeps its
        # data for the next sign-in), not ended like a revocation.
        session.clear()
        uid = None
    if uid is not None:
        device = session.get("device")
        if not (with_key and isinstance(uid, int) and isinstance(device, int)):
            candidate = db.session.scalar(select(User).filter_by(id=uid))
        else:
            row = db.session.execute(_USER_AND_KEY, {"uid": uid, "device": device}).first()
            candidate, stored = row if row is not None else (None, None)
        # Deactivation also ends every session (a new epoch): say the more specific thing.
        if candidate is not None and not candidate.active:
            session.clear()
            g.user = None
            raise ApiError(401, "This account has been deactivated. Nothing more can be sent from it.",
                           "account_deactivated")
        if candidate is None or candidate.session_epoch != session.get("epoch"):
            session.clear()
            g.user = None
            raise ApiError(401, "Your session has ended. Sign in again.", "session_ended")
        user = candidate
    g.user = user
    return user, stored


def require_user(*roles: str) -> User:
    user = current_user()
    if user is None:
        raise ApiError(401, "Sign in first.")
    if roles and user.role not in roles:
        raise ApiError(403, "Your role cannot do this.")
    return user


def login_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require_user(*roles)
            return view(*args, **kwargs)
        return wrapped
    return decorator
