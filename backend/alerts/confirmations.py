"""A test alert acknowledged from its notification: when its token counts, and only once.

The token ("<job id>.<HMAC>", health.test_token) travels only inside the encrypted push
message, so only the browser holding the subscription's keys reads it. The service worker
posts it back with the session cookie and a CSRF token. It is accepted when:

- it names a test job of the caller's that was actually sent (a pending, failed or cancelled
  job proves nothing: its message never reached a phone);
- it comes with the endpoint and the authentication secret (`keys.auth`) of the subscription
  the job was sent to, as the worker reads them from its own `pushManager`. The endpoint alone
  would not do: the person's own session lists their endpoints. The secret is known only to
  the browser holding the subscription and to the server (no answer returns it), and it
  changes with the keys, so another device, a copied token or a browser re-registered since
  confirms nothing;
- within ACKNOWLEDGE_WITHIN of sending. 24 hours: a push service keeps an undelivered message
  for the push TTL (24 hours by default), so a phone switched off overnight still gets the
  test next morning and its tap counts; a token found later (in a screenshot, a log) is dead.
- once: it confirms its channel only if the channel was not confirmed since the job was sent.
  The check and the confirmation are one UPDATE, so two taps at once confirm once; after it,
  every token of an earlier test to that channel is spent too (they would prove no more).
"""
import datetime as dt
import hmac

from sqlalchemy import or_, update

from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from ..push import health
from ..push.models import PushSubscription
from .models import AlertJob
from .states import JobStatus

ACKNOWLEDGE_WITHIN = dt.timedelta(hours=24)

NOT_FOUND = "No such test alert."
EXPIRED = "This test alert is more than a day old. Send a new one from the Alerts card."
USED = "This test alert has already been confirmed."


def _same(stored: str, given: str) -> bool:
    return hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8", "surrogatepass"))


def acknowledge(user, token: str, endpoint: str, auth: str, secret: str) -> int:
    """The id of the subscription the acknowledged test proves working; ApiError otherwise.
    Does not commit."""
    job_id = health.job_of_token(secret, token)
    job = db.session.get(AlertJob, job_id) if job_id is not None else None
    if job is None or job.kind != "test" or job.user_id != user.id or job.subscription_id is None:
        raise ApiError(404, NOT_FOUND)
    subscription = db.session.get(PushSubscription, job.subscription_id)
    # Unsent, or sent to another browser than the one answering: the same 404 as no job at all.
    if (job.status != JobStatus.SENT or job.sent_at is None or subscription is None
            or subscription.user_id != user.id or not _same(subscription.endpoint, endpoint)
            or not _same(subscription.auth, auth)):
        raise ApiError(404, NOT_FOUND)
    now = utcnow()
    if now - job.sent_at > ACKNOWLEDGE_WITHIN:
        raise ApiError(409, EXPIRED, "test_alert_expired")
    confirmed = db.session.execute(
        update(PushSubscription)
        .where(PushSubscription.id == subscription.id,
               or_(PushSubscription.confirmed_at.is_(None), PushSubscription.confirmed_at < job.sent_at))
        .values(confirmed_at=now, last_success_at=now)
        .execution_options(synchronize_session=False))
    if confirmed.rowcount != 1:
        raise ApiError(409, USED, "test_alert_used")
    db.session.expire(subscription)
    record("push_test_acknowledged", "push_subscription", str(subscription.id), user=user,
           detail={"job": job.id})
    return subscription.id
