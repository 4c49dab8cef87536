"""`/api/auth`: session, login, logout."""
from flask import Blueprint, current_app, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from .. import api
from ..api import declare
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db, limiter
from . import attempts, events, login_limits, second_factor
from .models import User
from .provider_link import linked_to_provider
from .passwords import dummy_verify, verify_password
from .schemas import LoginSchema, LogoutSchema, SessionSchema
from .sessions import current_user, end_all_sessions, log_in, require_user

bp = Blueprint("auth", __name__, url_prefix="/api/auth")


@bp.get("/session")
@declare("The signed-in user and a CSRF token", answers=SessionSchema)
def get_session():
    ended = None
    try:
        user = current_user()
    except ApiError as err:
        if err.status != 401:
            raise
        # A revoked session reads as signed out, and says why, so a device can tell "signed
        # out elsewhere or deactivated" (forget local data) from a plain expiry (keep it).
        user, ended = None, err.code
    return SessionSchema().dump({"user": user, "csrf_token": generate_csrf(), "ended": ended,
                                 "organisation_sign_in": bool(current_app.config.get("OIDC_ISSUER"))})


def _refuse_password():
    message = "That username and password do not match an active account."
    if current_app.config.get("OIDC_ISSUER"):
        # Said to everyone alike: whether this username signs in at the organisation stays unsaid.
        message += " If you sign in with your organisation's account, use \"Sign in with your organisation\"."
    raise ApiError(401, message, "invalid_credentials")


@bp.post("/login")
# Who is counted, and why a browser that signed in before is counted apart: login_limits.py.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
               key_func=login_limits.address_key, exempt_when=login_limits.is_known_browser)
# Each try is counted before the password is checked, and given back when it was right
# (attempts.py): a parallel burst cannot slip past the count.
@attempts.counted(
    attempts.Allowance("LOGIN_LIMIT_PER_ACCOUNT", login_limits.failure_key),
    attempts.Allowance("LOGIN_LIMIT_ACCOUNT_WIDE", login_limits.account_key,
                       exempt_when=login_limits.is_known_browser))
@declare("Sign in", body=LoginSchema, answers=SessionSchema, errors=[401, 403, 429])
def login():
    body = api.body()
    user = db.session.scalar(select(User).filter_by(username=body["username"].strip().lower()))
    if user is None or not user.active or linked_to_provider(user):
        # The same time as a real check, so timing tells apart no kind of account; and a
        # password set for someone who signs in at their organisation opens nothing.
        dummy_verify(body["password"])
        _refuse_password()
    if not verify_password(user.password_hash, body["password"]):
        _refuse_password()
    step = second_factor.step_after_password(user)
    if step is not None:
        # The password was right, but there is no session yet: the code comes next.
        second_factor.start_pending(user, step)
        db.session.commit()
        return SessionSchema().dump({"user": None, "csrf_token": generate_csrf(), "second_factor": step})
    return complete_sign_in(user)


def complete_sign_in(user: User, detail: dict | None = None, recovery_codes: list[str] | None = None):
    """The session and its device key, after the password (and the second factor, if any)."""
    device_key = log_in(user)
    record("login", "user", str(user.id), user=user, detail=detail)
    db.session.commit()
    answer = {"user": user, "csrf_token": generate_csrf(), "device_key": device_key}
    if recovery_codes is not None:
        answer["recovery_codes"] = recovery_codes
    response = current_app.json.response(SessionSchema().dump(answer))
    login_limits.remember_browser(response, user.username)
    return response


@bp.post("/logout")
@declare("Sign out everywhere", answers=LogoutSchema, errors=[401, 403])
def logout():
    user = require_user()
    # Read before the session is cleared (single sign-on keeps the ID token in it).
    at_provider = next((url for _, url in events.signing_out.send(user) if url), None)
    end_all_sessions(user)
    record("logout", "user", str(user.id), user=user)
    db.session.commit()
    session.clear()
    answer = {"ok": True, "organisation_sign_out_url": at_provider} if at_provider else {"ok": True}
    response = current_app.json.response(LogoutSchema().dump(answer))
    # The device forgets everything this origin stored about the user.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
