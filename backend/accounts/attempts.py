"""Limits on guesses that count each attempt *before* it is checked.

A limit that is tested before a request and counted after it lets a parallel burst through:
every request of the burst passes the test before any of them is counted. So an attempt at a
password, a setup code or a second-factor code first takes one unit of each of its allowances
(an atomic increment in the limiter's store: Redis when several processes share it), is
refused when that goes over, and gives the unit back only when it was not a failure (a right
password is not a guess). A burst of N attempts is therefore checked at most `limit` times,
whatever the number of processes.

`one_at_a_time` adds a busy flag in the same store: while one code of a pending sign-in is
being checked, another for the same sign-in is refused at once without being counted.
"""
import functools
import time

from flask import current_app
from limits import parse_many
from marshmallow import ValidationError

from ..errors import ApiError
from ..extensions import limiter

NAMESPACE = "attempt"
BUSY_SECONDS = 30  # a crashed check frees the flag by itself after this long
TOO_MANY = "Too many attempts. Wait a minute and try again."
BUSY = "Another attempt for this sign-in is being checked. Wait for it, then try again."


def _retry_after(item, key: str) -> int:
    reset = limiter.limiter.get_window_stats(item, NAMESPACE, key).reset_time
    return max(1, int(reset - time.time()) + 1)


def reserve(limits: str, key: str, message=TOO_MANY, code: str = "too_many_requests") -> list:
    """One unit of each of `limits` for `key`, taken now; ApiError 429 if any is used up.
    `message` is the refusal's text, or a function of the seconds until it may be tried again."""
    taken = []
    for item in parse_many(limits):
        taken.append((item, key))
        if not limiter.limiter.hit(item, NAMESPACE, key):
            # This attempt stays counted: a refused burst must not earn the guesser a refund.
            wait = _retry_after(item, key)
            raise ApiError(429, message(wait) if callable(message) else message, code,
                           headers={"Retry-After": str(wait)})
    return taken


def refund(taken: list) -> None:
    """Give back what `reserve` took: the attempt turned out not to be a failure."""
    storage = limiter.storage
    for item, key in taken:
        name = item.key_for(NAMESPACE, key)
        if storage.get(name) > 0:
            storage.incr(name, item.get_expiry(), amount=-1)


class Allowance:
    """A limit (a config name such as "MFA_LIMIT"), keyed per request by `key_func` (None: the
    request has nothing to count under it). `message` and `code` make the 429 (see reserve)."""

    def __init__(self, config_name: str, key_func, exempt_when=None, message=TOO_MANY,
                 code: str = "too_many_requests"):
        self.config_name, self.key_func, self.exempt_when = config_name, key_func, exempt_when
        self.message, self.code = message, code


def _is_failure(error: Exception) -> bool:
    # A wrong password or code is a 401; a malformed body (422, from json_body or from the
    # schema's own validators) checked nothing.
    if isinstance(error, ValidationError):
        return False
    return not isinstance(error, ApiError) or error.status == 401


def _failed(error: Exception | None, response) -> bool:
    if error is not None:
        return _is_failure(error)
    return getattr(response, "status_code", 200) == 401


def counted(*allowances: Allowance, counts=_failed):
    """Decorator: each allowance reserved before the view runs and given back unless
    `counts(error, response)` says the attempt stays counted (by default: it failed, a 401).
    `error` is what the view raised (None when it answered), `response` what it answered."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            taken = []
            for allowance in allowances:
                if allowance.exempt_when is not None and allowance.exempt_when():
                    continue
                key = allowance.key_func()
                if key is None:
                    continue
                taken += reserve(current_app.config[allowance.config_name], key,
                                 allowance.message, allowance.code)
            try:
                response = view(*args, **kwargs)
            except Exception as error:
                if not counts(error, None):
                    refund(taken)
                raise
            if not counts(None, response):
                refund(taken)
            return response
        return wrapper
    return decorate


def one_at_a_time(key_func):
    """Decorator: a second attempt under the same key while one is being checked is refused."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            key = key_func()
            if key is None:
                return view(*args, **kwargs)
            name = f"{NAMESPACE}/busy/{key}"
            storage = limiter.storage
            if storage.incr(name, BUSY_SECONDS) != 1:
                raise ApiError(429, BUSY, "attempt_in_progress", headers={"Retry-After": "1"})
            try:
                return view(*args, **kwargs)
            finally:
                storage.clear(name)
        return wrapper
    return decorate
