"""`/api/sms/mobile`: a manager's mobile number for alert texts, verified once with a code.

The code goes out in the request that asks for it (the manager is waiting for it, and a
failure is best said there and then); alert texts go out from the worker, never from a request.
"""
import datetime as dt
import hashlib
import hmac
import secrets

from flask import Blueprint, current_app

from .. import api
from ..accounts.capabilities import RECEIVE_ALERTS, require
from ..accounts.schemas import OkSchema
from ..api import declare
from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from ..push.states import Result
from . import limits, notify
from .models import MobileNumber
from .numbers import masked, normalise
from .schemas import MobileSchema, MobileSetSchema, MobileVerifySchema

bp = Blueprint("sms", __name__, url_prefix="/api/sms")

CODE_LIFETIME = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_TRIES = 5


def _digest(user_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"sms-code:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _dump(row: MobileNumber | None, now: dt.datetime) -> dict:
    return MobileSchema().dump({
        "enabled": notify.enabled(current_app.config),
        "number": masked(row.number) if row else None,
        "verified": bool(row and row.verified_at),
        "verified_at": row.verified_at if row else None,
        "code_pending": bool(row and row.code_hash and row.code_expires_at and row.code_expires_at > now)})


@bp.get("/mobile")
@declare("This manager's mobile number for alert texts (masked)",
         answers=MobileSchema, errors=[403], device_key=True)  # a phone number is personal data
def get_mobile():
    user = require(RECEIVE_ALERTS)
    return _dump(db.session.get(MobileNumber, user.id), utcnow())


@bp.post("/mobile")
@declare("Set the number and text it a 6-digit code",
         body=MobileSetSchema, answers=MobileSchema, errors=[403, 409, 429, 503], device_key=True)
@limits.codes_sent
def set_mobile():
    user = require(RECEIVE_ALERTS)
    body = api.body()
    config = current_app.config
    if not notify.enabled(config):
        raise ApiError(409, "Text messages are not set up on this server. Ask an administrator.",
                       "sms_not_configured")
    number = normalise(body["number"])
    if number is None:
        raise ApiError(422, "That is not a UK mobile number.",
                       fields={"number": ["A UK mobile number: 07… or +44 7…"]})
    now = utcnow()
    row = db.session.get(MobileNumber, user.id, with_for_update=True)
    if row and row.code_sent_at and now - row.code_sent_at < RESEND_AFTER:
        raise ApiError(429, "A code was sent less than a minute ago. Wait a moment, then ask again.",
                       headers={"Retry-After": str(int((RESEND_AFTER - (now - row.code_sent_at))
                                                       .total_seconds()) + 1)})
    code = f"{secrets.randbelow(10 ** 6):06d}"
    sender = notify.client(config)
    try:
        outcome = notify.send(sender, config, number, notify.code_text(config, code),
                              reference=f"safevisit-code-{user.id}")
    finally:
        sender.request_session.close()
    if outcome.result != Result.SENT:
        db.session.rollback()
        record("mobile_code_failed", "user", str(user.id), user=user,
               detail={"status": outcome.status_code, "error": outcome.error})
        db.session.commit()
        if outcome.result == Result.FAILED and outcome.status_code == 400:
            raise ApiError(422, "Notify could not send a text to that number.",
                           fields={"number": ["Notify refused this number."]})
        raise ApiError(503, "The code could not be sent just now. Try again in a minute.")
    if row is None:
        row = MobileNumber(user_id=user.id)
        db.session.add(row)
    # A new number is unverified until its own code comes back, whatever was verified before.
    row.number, row.verified_at = number, None
    row.code_hash, row.code_sent_at = _digest(user.id, code), now
    row.code_expires_at, row.code_attempts = now + CODE_LIFETIME, 0
    record("mobile_code_sent", "user", str(user.id), user=user, detail={"number": masked(number)})
    db.session.commit()
    return _dump(row, now)


@bp.post("/mobile/verify")
@declare("Verify the number with the code it received",
         body=MobileVerifySchema, answers=MobileSchema, errors=[403, 409, 429], device_key=True)
@limits.codes_tried
def verify_mobile():
    user = require(RECEIVE_ALERTS)
    body = api.body()
    now = utcnow()
    row = db.session.get(MobileNumber, user.id, with_for_update=True)
    if row is None or row.code_hash is None or row.code_expires_at <= now:
        raise ApiError(409, "There is no code waiting: ask for a new one.", "no_code_pending")
    if not hmac.compare_digest(row.code_hash, _digest(user.id, body["code"])):
        row.code_attempts += 1
        if row.code_attempts >= MAX_TRIES:  # guessing a 6-digit code stops here
            row.code_hash = row.code_expires_at = None
        record("mobile_code_wrong", "user", str(user.id), user=user,
               detail={"attempts": row.code_attempts})
        db.session.commit()
        raise ApiError(422, "That code is not right." if row.code_hash else
                       "That code is not right, and too many were tried: ask for a new one.",
                       fields={"code": ["Not the code that was sent."]})
    row.verified_at, row.code_hash, row.code_expires_at, row.code_attempts = now, None, None, 0
    record("mobile_verified", "user", str(user.id), user=user, detail={"number": masked(row.number)})
    db.session.commit()
    return _dump(row, now)


@bp.delete("/mobile")
@declare("Remove the number (no more alert texts)",
         answers=OkSchema, errors=[403, 404], device_key=True)
def delete_mobile():
    user = require(RECEIVE_ALERTS)
    row = db.session.get(MobileNumber, user.id)
    if row is None:
        raise ApiError(404, "No mobile number is set.")
    db.session.delete(row)
    record("mobile_removed", "user", str(user.id), user=user)
    db.session.commit()
    return OkSchema().dump({"ok": True})
