"""Sending one push message and classifying the answer. Pure: no database, safe in threads."""
import dataclasses
import email.utils
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import requests
from pywebpush import WebPushException, webpush

from .states import Result
from . import endpoints
from .keys import b64url

TITLE = "Urgent safeguarding concern — open SafeVisit"
MAX_RETRY_AFTER = 3600.0


@dataclasses.dataclass(frozen=True)
class Settings:
    vapid: object  # py_vapid.Vapid
    subject: str
    ttl: int
    timeout: float
    allowed_hosts: tuple[str, ...]
    test_receiver: bool


@dataclasses.dataclass(frozen=True)
class Message:
    job_id: int
    lease_token: str
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    topic: str


@dataclasses.dataclass(frozen=True)
class Outcome:
    result: str  # sent | retry | failed | gone
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None


TEST_TITLE = "SafeVisit test alert"


def payload(concern_id: str, urgency: str, team_id: int, kind: str, phoned: bool = False) -> str:
    """The message body. Only what opens the concern: no case reference, answers or names.

    `phoned`: the worker has already phoned the duty desk about it — a flag, never who or when,
    so the manager is not paged as if nobody knew."""
    return json.dumps({"v": 1, "kind": kind, "concern": concern_id, "urgency": urgency,
                       "team": team_id, "phoned": phoned, "title": TITLE},
                      ensure_ascii=False, separators=(",", ":"))


def test_payload(token: str) -> str:
    """A test alert: about no concern; its token is what the notification sends back."""
    return json.dumps({"v": 1, "kind": "test", "test": token, "title": TEST_TITLE},
                      ensure_ascii=False, separators=(",", ":"))


def topic(secret: str, concern_id: str) -> str:
    """A Topic header per concern: 32 URL-safe characters derived from, but not revealing, the id."""
    digest = hmac.new(secret.encode(), b"push-topic:" + concern_id.encode(), hashlib.sha256)
    return b64url(digest.digest()[:24])


def _retry_after(response) -> float | None:
    raw = response.headers.get("Retry-After") if response is not None else None
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def classify(status: int, response=None) -> Outcome:
    if 200 <= status < 300:
        return Outcome(Result.SENT, status)
    if status in (404, 410):
        return Outcome(Result.GONE, status, f"push service answered {status}: subscription expired")
    if status == 429 or status >= 500:
        return Outcome(Result.RETRY, status, f"push service answered {status}", _retry_after(response))
    # 400 (bad request), 403 (VAPID refused), 413 (too large), 3xx (redirects are not
    # followed) and the rest: sending the same thing again would fail the same way.
    return Outcome(Result.FAILED, status, f"push service answered {status}")


def send(message: Message, settings: Settings, session: requests.Session) -> Outcome:
    """POST one encrypted message; never raises for a network or service failure."""
    try:
        endpoints.check(message.endpoint, settings.allowed_hosts, settings.test_receiver)
    except endpoints.EndpointRefused as err:
        return Outcome(Result.FAILED, None, str(err))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(message.endpoint))
    # A fresh claims dict every time: pywebpush writes "aud" and "exp" into the dict it
    # is given, and a reused one would carry another push service's audience.
    claims = {"sub": settings.subject, "aud": origin, "exp": int(time.time()) + 12 * 3600}
    try:
        response = webpush(
            {"endpoint": message.endpoint, "keys": {"p256dh": message.p256dh, "auth": message.auth}},
            data=message.payload, vapid_private_key=settings.vapid, vapid_claims=claims,
            content_encoding="aes128gcm", ttl=settings.ttl, timeout=settings.timeout,
            headers={"Urgency": "high", "Topic": message.topic}, requests_session=session)
    except WebPushException as err:
        if err.response is None:
            return Outcome(Result.FAILED, None, f"could not encrypt: {err.message}")
        return classify(err.status_code, err.response)
    except endpoints.EndpointRefused as err:
        return Outcome(Result.FAILED, None, str(err))
    except (ValueError, TypeError) as err:  # keys the encryption cannot use
        return Outcome(Result.FAILED, None, f"could not encrypt: {type(err).__name__}")
    except requests.Timeout:
        return Outcome(Result.RETRY, None, f"no answer within {settings.timeout:g}s")
    except requests.RequestException as err:
        return Outcome(Result.RETRY, None, f"network error: {type(err).__name__}")
    return classify(response.status_code, response)
