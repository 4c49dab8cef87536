"""Whether an alert channel is known to work, and whether anyone on duty now has one.

A channel is one push subscription. The delivery worker records every outcome on it
(alerts/channels/webpush.finish): the push service accepted a message (success), or refused it for good or
gave up retrying (failure); a subscription its service calls gone is deleted. A test alert
acknowledged from its notification proves the whole path, phone included.

- working: the last success (or acknowledged test) is within PUSH_HEALTHY_DAYS and no failure
  came after it;
- failed: the last outcome was a failure;
- unknown: nothing delivered recently (a new subscription, or a quiet week).
"""
import datetime as dt
import hashlib
import hmac

from flask import current_app
from sqlalchemy import select, update

from .states import ChannelState
from ..clock import utcnow
from ..extensions import db
from .keys import b64url
from .models import PushSubscription



def state(subscription: PushSubscription, now: dt.datetime | None = None,
          healthy_days: float | None = None) -> str:
    now = now or utcnow()
    if healthy_days is None:
        healthy_days = float(current_app.config["PUSH_HEALTHY_DAYS"])
    success = max(filter(None, (subscription.last_success_at, subscription.confirmed_at)), default=None)
    failure = subscription.last_failure_at
    if failure is not None and (success is None or failure >= success):
        return ChannelState.FAILED
    if success is not None and now - success <= dt.timedelta(days=healthy_days):
        return ChannelState.WORKING
    return ChannelState.UNKNOWN


def record_success(subscription_ids: list[int], now: dt.datetime) -> None:
    if subscription_ids:
        db.session.execute(update(PushSubscription).where(
            PushSubscription.id.in_(subscription_ids)).values(last_sent_at=now, last_success_at=now))


def record_failure(subscription_id: int, now: dt.datetime, error: str | None) -> None:
    db.session.execute(update(PushSubscription).where(
        PushSubscription.id == subscription_id).values(
        last_failure_at=now, last_failure=(error or "delivery failed")[:200]))


def working_channels(user_ids: list[int], now: dt.datetime | None = None) -> dict[int, int]:
    """user id → how many of their subscriptions are working (0 for none)."""
    counts = {user_id: 0 for user_id in user_ids}
    if not user_ids:
        return counts
    for subscription in db.session.scalars(select(PushSubscription).where(
            PushSubscription.user_id.in_(user_ids))):
        if state(subscription, now) == ChannelState.WORKING:
            counts[subscription.user_id] += 1
    return counts


# A test alert's token names its job and proves it came from this server's notification:
# "<job id>.<HMAC of the id>", so nothing has to be stored to check it.
def test_token(secret: str, job_id: int) -> str:
    digest = hmac.new(secret.encode(), b"push-test:%d" % job_id, hashlib.sha256).digest()
    return f"{job_id}.{b64url(digest[:18])}"


def job_of_token(secret: str, token: str) -> int | None:
    job_id, _, _ = token.partition(".")
    # ASCII digits only ("٣".isdigit() is true), and bytes compared: compare_digest refuses
    # str with non-ASCII characters (a 500, found by the schemathesis fuzz).
    if not (job_id.isascii() and job_id.isdigit()) or len(job_id) > 12:
        return None
    expected = test_token(secret, int(job_id)).encode()
    return int(job_id) if hmac.compare_digest(expected, token.encode()) else None
