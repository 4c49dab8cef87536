"""One-time setup codes: how a person sets their own password, and never receives one.

An admin creating an account, or a duty manager helping a carer back in, gets a code shown
once; the person types it with a new password on the sign-in page's "I have a setup code"
screen. A code is 80 random bits, valid for a day, used once, kept only as a SHA-256, and
replaced by the next one issued to the same person. Issuing and redeeming are audited.
Redeeming sets the password only: the phone's passcode, its data and any session stay as
they are (an admin ends sessions separately when an account may have been misused).
"""
import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update

from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from .credential_models import SetupCode
from .models import User
from .provider_link import refuse_if_linked
from .passwords import dummy_verify, hash_password

VALID_FOR = dt.timedelta(days=1)
# No I, O, 0 or 1: read aloud over the phone or copied from a screen without mix-ups.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 16  # 16 characters of 32 = 80 bits
INVALID = "That setup code does not work for this username. It may have been used already or " \
          "be more than a day old: ask for a new one."


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode("utf-8", "surrogatepass")).hexdigest()


def _grouped(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue(person: User, issued_by: User) -> tuple[str, dt.datetime]:
    """A new code for `person` (any earlier unused one stops working); the caller commits."""
    refuse_if_linked(person)
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    now = utcnow()
    db.session.execute(delete(SetupCode).where(SetupCode.user_id == person.id, SetupCode.used_at.is_(None)))
    expires_at = now + VALID_FOR
    db.session.add(SetupCode(user_id=person.id, code_hash=_digest(code), issued_by=issued_by.id,
                             created_at=now, expires_at=expires_at))
    record("issue_setup_code", "user", str(person.id), user=issued_by,
           detail={"expires_at": expires_at.isoformat() + "Z"})
    return _grouped(code), expires_at


def redeem(username: str, code: str, password: str) -> User:
    """Sets `password` for the person the code was issued to; the code is then spent."""
    user = db.session.scalar(select(User).filter_by(username=username.strip().lower()))
    row = None
    if user is not None and user.active:
        row = db.session.scalar(select(SetupCode).filter_by(user_id=user.id, code_hash=_digest(code)))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        dummy_verify(password)  # the same time as a success, which hashes the new password
        raise ApiError(401, INVALID, "invalid_setup_code")
    # A code issued before the person was linked to the provider gives them no password either
    # (said plainly: whoever typed it holds a real code for this username).
    refuse_if_linked(user)
    # Spent in the same statement that checks it is unspent: two redemptions at once cannot
    # both succeed, whatever the database.
    spent = db.session.execute(update(SetupCode).where(SetupCode.id == row.id, SetupCode.used_at.is_(None))
                               .values(used_at=now))
    if spent.rowcount != 1:
        db.session.rollback()
        raise ApiError(401, INVALID, "invalid_setup_code")
    user.password_hash = hash_password(password)
    record("redeem_setup_code", "user", str(user.id), user=user)
    return user


def discard_unused(person: User) -> None:
    """Deactivation: a code handed out before cannot bring the account back."""
    db.session.execute(delete(SetupCode).where(SetupCode.user_id == person.id, SetupCode.used_at.is_(None)))
