"""The second steps of signing in: a setup code (set a password), and the second factor
(an authenticator's code, a recovery code, or enrolling an authenticator)."""
from flask import Blueprint, current_app, request
from flask_wtf.csrf import generate_csrf

from .. import api
from ..api import declare
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db, limiter
from . import attempts, login_limits, second_factor, setup_codes
from .capabilities import TWO_STEP_SIGN_IN, has
from .schemas import CodeSchema, EnrolmentSchema, RedeemedSchema, RedeemSetupCodeSchema, SessionSchema
from .sessions import current_user
from .views import complete_sign_in

bp = Blueprint("sign_in", __name__, url_prefix="/api/auth")

WRONG_CODE = "That code is not right, or it was used already. Codes change every 30 seconds: " \
             "type the one your authenticator shows now, or a recovery code."


def _address() -> str:
    return request.remote_addr or "unknown"


# --- setup codes: counted like wrong passwords (login_limits.py), under keys of their own ----

@bp.post("/setup-code")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
               key_func=lambda: f"setup-code-address:{_address()}")
@attempts.counted(
    attempts.Allowance("LOGIN_LIMIT_PER_ACCOUNT", lambda: f"setup-code:{login_limits.account()}:{_address()}"),
    attempts.Allowance("LOGIN_LIMIT_ACCOUNT_WIDE", lambda: f"setup-code-account:{login_limits.account()}"))
@declare("Set a new password with a one-time setup code",
         body=RedeemSetupCodeSchema, answers=RedeemedSchema, errors=[401, 403, 429])
def redeem_setup_code():
    body = api.body()
    try:
        user = setup_codes.redeem(body["username"], body["code"], body["password"])
    except ApiError:
        db.session.rollback()
        raise
    db.session.commit()
    return RedeemedSchema().dump({"username": user.username})


# --- the second factor ---------------------------------------------------------------------

def _two_step_key() -> str:
    # Per account whatever the address or cookie: whoever is here already has the password.
    uid = second_factor.pending_uid()
    if uid is None:
        try:
            uid = getattr(current_user(), "id", None)
        except ApiError:  # a revoked session: the view says so
            uid = None
    return f"two-step:{uid if uid is not None else _address()}"


def _limited(view):
    # Counted before the code is checked (attempts.py), one code at a time per pending sign-in.
    view = attempts.counted(attempts.Allowance("MFA_LIMIT", _two_step_key))(view)
    view = attempts.one_at_a_time(second_factor.pending_attempt_key)(view)
    return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
                         key_func=lambda: f"two-step-address:{_address()}")(view)


def _refuse(user) -> None:
    db.session.rollback()  # nothing the wrong code's step began is kept; only the refusal
    record("second_factor_refused", "user", str(user.id), user=user)
    db.session.commit()
    raise ApiError(401, WRONG_CODE, "invalid_code")


@bp.post("/two-step/verify")
@_limited
@declare("Finish signing in with an authenticator or recovery code",
         body=CodeSchema, answers=SessionSchema, errors=[401, 403, 429])
def verify_second_factor():
    code = api.body()["code"]
    user = second_factor.require_pending(second_factor.CODE)
    used = second_factor.verify(user, code)
    if used is None:
        _refuse(user)
    return complete_sign_in(user, detail={"second_factor": used})


def _enrolling_user():
    """The person at the enrolment step of a sign-in, or a signed-in one enrolling by choice."""
    found = second_factor.pending()
    if found is not None and found[1] == second_factor.ENROL:
        return found[0], True
    user = current_user()
    if user is None:
        raise ApiError(401, "Sign in again with your password: the enrolment was not finished in time.",
                       "second_factor_expired")
    if not has(user, TWO_STEP_SIGN_IN):
        raise ApiError(403, "Your role does not sign in with an authenticator.")
    if second_factor.enrolled(user):
        raise ApiError(409, "You already sign in with an authenticator. Ask an administrator to reset it.")
    return user, False


@bp.post("/two-step/enrolment")
@declare("Start setting up an authenticator (a new TOTP secret)",
         answers=EnrolmentSchema, errors=[401, 403, 409])
def begin_enrolment():
    user, _ = _enrolling_user()
    secret, uri = second_factor.begin_enrolment(user)
    db.session.commit()
    return EnrolmentSchema().dump({"secret": secret, "otpauth_uri": uri})


@bp.post("/two-step/enrolment/confirm")
@_limited
@declare("Confirm the authenticator with its first code; recovery codes",
         body=CodeSchema, answers=SessionSchema, errors=[401, 403, 429])
def confirm_enrolment():
    body = api.body()
    user, signing_in = _enrolling_user()
    codes = second_factor.confirm_enrolment(user, body["code"].strip())
    if codes is None:
        _refuse(user)
    record("enrol_second_factor", "user", str(user.id), user=user)
    if signing_in:
        return complete_sign_in(user, detail={"second_factor": "enrolled"}, recovery_codes=codes)
    db.session.commit()
    return SessionSchema().dump({"user": user, "csrf_token": generate_csrf(), "recovery_codes": codes})
