"""The one-time hand-off from the provider's redirect (a page load) to the app (a script).

The callback cannot give the app its device key: a page load carries no answer a script can
read, and a key in a URL would sit in history and logs. So the callback keeps a hand-off row
and puts its random token only in the session cookie; the app then POSTs (with CSRF) to redeem
it, once, within HANDOFF_SECONDS, and gets the same answer a password sign-in gets.
"""
import datetime as dt
import hashlib
import secrets

from flask import current_app, session
from sqlalchemy import delete

from ..accounts import device_keys
from ..accounts.models import User
from ..clock import utcnow
from ..extensions import db
from .models import SsoHandoff, SsoSession

HANDOFF_SECONDS = 120
SESSION_KEY = "sso_handoff"
ID_TOKEN_KEY = "sso_id_token"
MAX_ID_TOKEN = 3000  # a larger one would not fit the session cookie: sign-out then skips the hint


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, sid: str | None, id_token: str | None = None) -> None:
    """Called by the callback: a fresh session that holds only the hand-off token."""
    device_keys.forget_current()  # whatever this browser was signed in as before stops counting
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(SsoHandoff(token_hash=_digest(token), user_id=user.id, sid=sid))
    session[SESSION_KEY] = token
    if id_token and len(id_token) <= MAX_ID_TOKEN:
        session[ID_TOKEN_KEY] = id_token


def redeem() -> tuple[User, str | None, str | None] | None:
    """The user, provider session id and ID token of this cookie's hand-off, at most once; else None."""
    token = session.pop(SESSION_KEY, None)
    id_token = session.pop(ID_TOKEN_KEY, None)
    if not isinstance(token, str):
        return None
    oldest = utcnow() - dt.timedelta(seconds=HANDOFF_SECONDS)
    # Deleting is the check: of two requests with the same cookie, only one deletes the row.
    row = db.session.execute(delete(SsoHandoff).where(
        SsoHandoff.token_hash == _digest(token), SsoHandoff.created_at >= oldest,
    ).returning(SsoHandoff.user_id, SsoHandoff.sid)).first()
    if row is None:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.sid:
        db.session.add(SsoSession(user_id=user.id, issuer=current_app.config["OIDC_ISSUER"], sid=row.sid))
    return user, row.sid, id_token if isinstance(id_token, str) else None


def prune() -> None:
    """Hand-offs nobody redeemed in time are of no use to anyone."""
    oldest = utcnow() - dt.timedelta(seconds=HANDOFF_SECONDS)
    db.session.execute(delete(SsoHandoff).where(SsoHandoff.created_at < oldest))
