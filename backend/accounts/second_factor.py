"""TOTP (RFC 6238, through pyotp) and one-time recovery codes for local manager and admin accounts.

Sign-in takes two requests when a second factor applies: the password (POST /api/auth/login)
starts a *pending* sign-in held in the session cookie for a few minutes, and the code
(POST /api/auth/two-step/verify) or, for someone who has no authenticator yet and must have
one, the enrolment (…/two-step/enrolment and …/confirm) finishes it. Only then is there a
session and a device key. A code is accepted once: the newest time step used is stored and a
code of that step or an older one is refused, with the check and the update in one statement.
"""
import datetime as dt
import hashlib
import hmac
import re
import secrets
import time

import pyotp
from flask import current_app, session
from sqlalchemy import delete, or_, select, update

from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from . import device_keys
from .capabilities import TWO_STEP_SIGN_IN, has
from .credential_models import RecoveryCode, TotpFactor
from .models import User
from .setup_codes import ALPHABET

ISSUER = "SafeVisit"
PENDING_SECONDS = 300  # time to type the code after the password
RECOVERY_CODES = 10
RECOVERY_LENGTH = 12  # 60 bits each
SIX_DIGITS = re.compile(r"^[0-9]{6}$")
CODE = "code"     # the person has an authenticator: ask for its code
ENROL = "enrol"   # the person must set one up before the sign-in completes


def factor_of(user: User) -> TotpFactor | None:
    return db.session.get(TotpFactor, user.id)


def enrolled(user: User) -> bool:
    factor = factor_of(user)
    return factor is not None and factor.confirmed_at is not None


def step_after_password(user: User) -> str | None:
    """What sign-in still needs once the password is right: CODE, ENROL or nothing."""
    if not has(user, TWO_STEP_SIGN_IN):
        return None
    if enrolled(user):
        return CODE  # enrolled people always use it, required or not
    return ENROL if current_app.config["REQUIRE_MFA"] else None


# --- the pending sign-in -------------------------------------------------------------------

def start_pending(user: User, step: str) -> None:
    device_keys.forget_current()
    session.clear()  # nothing from before survives, as for a full sign-in
    session["pending"] = {"uid": user.id, "epoch": user.session_epoch, "since": int(time.time()),
                          "step": step, "id": secrets.token_hex(8)}


def pending() -> tuple[User, str] | None:
    data = session.get("pending")
    if not isinstance(data, dict) or not isinstance(data.get("since"), int):
        return None
    if not 0 <= time.time() - data["since"] <= PENDING_SECONDS:
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or not user.active or user.session_epoch != data.get("epoch"):
        return None
    return user, data.get("step")


def require_pending(step: str) -> User:
    found = pending()
    if found is None or found[1] != step:
        raise ApiError(401, "Sign in again with your password: the code was not typed in time.",
                       "second_factor_expired")
    return found[0]


def pending_attempt_key() -> str | None:
    """Names this pending sign-in (the same cookie replayed in parallel is the same one)."""
    data = session.get("pending")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    return f"pending:{data.get('uid')}:{data['id']}"


def pending_uid():
    data = session.get("pending")
    return data.get("uid") if isinstance(data, dict) else None


# --- the authenticator ---------------------------------------------------------------------

def begin_enrolment(user: User) -> tuple[str, str]:
    """A new secret for `user` (replacing an unconfirmed one); the caller commits."""
    secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
    factor = factor_of(user)
    if factor is None:
        factor = TotpFactor(user_id=user.id, secret=secret)
        db.session.add(factor)
    factor.secret, factor.confirmed_at, factor.last_step, factor.created_at = secret, None, None, utcnow()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return secret, uri


def _accept_totp(factor: TotpFactor, code: str) -> bool:
    if not SIX_DIGITS.match(code):
        return False
    totp = pyotp.TOTP(factor.secret)
    now_step = int(time.time()) // totp.interval
    # One step either side: phone clocks drift and people type slowly.
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            used = db.session.execute(update(TotpFactor).where(
                TotpFactor.user_id == factor.user_id,
                or_(TotpFactor.last_step.is_(None), TotpFactor.last_step < step)).values(last_step=step))
            return used.rowcount == 1  # 0: this code (or a later one) was used already
    return False


def _digest(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes, shown once; any earlier ones stop working. The caller commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(RECOVERY_LENGTH))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """The first code from the new authenticator; its recovery codes, or None if wrong."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is not None or not _accept_totp(factor, code):
        return None
    factor.confirmed_at = utcnow()
    return new_recovery_codes(user)


def verify(user: User, code: str) -> str | None:
    """"totp" or "recovery_code" when `code` is right (and now spent), else None."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is None:
        return None
    code = code.strip()
    if SIX_DIGITS.match(code):
        return "totp" if _accept_totp(factor, code) else None
    spent = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
    return "recovery_code" if spent.rowcount == 1 else None


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def remove(user: User) -> None:
    """An admin resets a lost authenticator: the next sign-in enrols again."""
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def confirmed_since(user: User) -> dt.datetime | None:
    factor = factor_of(user)
    return factor.confirmed_at if factor else None
