"""How many codes a day a mobile number may be texted, and how many may be tried.

Verifying a number sends a text to whatever number is typed, and a 6-digit code falls to
enough guesses. So both are capped per account *and* per number, per day (24 hours from the
first), with the mechanism of the sign-in limits (accounts/attempts.py): one unit of each
allowance is taken before the text is sent or the code compared, so a parallel burst gets no
more than the cap, and it is given back when nothing happened —

- codes texted (`SMS_CODES_SENT_LIMIT`, 5 a day): kept only when a text went out (an unknown
  number, a refusal by Notify or a second request within the minute sends nothing);
- codes tried (`SMS_CODE_GUESS_LIMIT`, 10 a day): kept only when a wrong code was compared
  (no code waiting, a malformed code and the right code are not guesses).

The limiter's store never holds a phone number: a number is keyed by a keyed digest.
"""
import hashlib
import hmac

from flask import current_app, request

from ..accounts import attempts
from ..accounts.capabilities import RECEIVE_ALERTS, require
from ..errors import ApiError
from ..extensions import db
from ..requests import text_errors
from .models import MobileNumber
from .numbers import normalise


def _later(seconds: int) -> str:
    hours = round(seconds / 3600)
    if hours >= 1:
        return f"in about {hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


def _tag(number: str) -> str:
    mac = hmac.new(current_app.secret_key.encode(), b"sms-number:" + number.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def _user_id() -> int:
    # Whoever may not use the endpoint is refused here, before anything is counted.
    return require(RECEIVE_ALERTS).id


def _typed_number() -> str | None:
    body = request.get_json(silent=True)
    typed = body.get("number") if isinstance(body, dict) else None
    if not isinstance(typed, str) or len(typed) > 24 or text_errors(typed):
        return None  # the view refuses it (422) without sending anything
    return normalise(typed)


def _pending_number() -> str | None:
    row = db.session.get(MobileNumber, _user_id())
    return row.number if row is not None and row.code_hash is not None else None


def _keyed(prefix: str, number: str | None) -> str | None:
    return f"{prefix}:{_tag(number)}" if number else None


def _sent_message(whose: str):
    return lambda wait: (f"No more codes can be texted {whose} today: the limit is "
                         f"{current_app.config['SMS_CODES_SENT_LIMIT']}. Try again {_later(wait)}.")


def _guess_message(whose: str):
    return lambda wait: (f"Too many codes have been tried {whose} today: the limit is "
                         f"{current_app.config['SMS_CODE_GUESS_LIMIT']}. Try again {_later(wait)}.")


def _texted(error, response) -> bool:
    return error is None


def _wrong_code(error, response) -> bool:
    return isinstance(error, ApiError) and error.status == 422 and "code" in (error.fields or {})


def _per_account_and_number(limit: str, prefix: str, message, code: str, number, to_number: str, counts):
    """The same daily limit twice: for the signed-in account and for the number concerned."""
    return attempts.counted(
        attempts.Allowance(limit, lambda: f"{prefix}:user:{_user_id()}",
                           message=message("for this account"), code=code),
        attempts.Allowance(limit, lambda: _keyed(f"{prefix}:number", number()),
                           message=message(to_number), code=code),
        counts=counts)


codes_sent = _per_account_and_number("SMS_CODES_SENT_LIMIT", "sms-sent", _sent_message, "sms_code_limit",
                                     _typed_number, "to this number", counts=_texted)
codes_tried = _per_account_and_number("SMS_CODE_GUESS_LIMIT", "sms-guess", _guess_message, "sms_guess_limit",
                                      _pending_number, "for this number", counts=_wrong_code)
