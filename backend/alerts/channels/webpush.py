"""The Web Push channel: adding push jobs, claiming due ones and recording what each push
service said, on the lease queue (../lease.py). Plain rows and set-wise UPDATEs rather than
unit-of-work objects where the worker's send rate depends on it: whatever the claim costs is
time nobody is sending.
"""
import datetime as dt
import logging
import uuid

from sqlalchemy import delete, select, update

from ...accounts.models import User
from ...audit.log import record
from ...concerns.lifecycle import UNACKNOWLEDGED
from ...concerns.models import Concern
from ...extensions import db
from ...push import health
from ...push.delivery import Message, Outcome, payload, test_payload, topic
from ...push.models import PushSubscription
from ...push.states import Result
from ...urgency import Urgency
from .. import lease, wakeup
from ..models import AlertJob
from ..states import JobStatus
from . import sms

log = logging.getLogger(__name__)

RETRIES = lease.Retries(max_attempts=8, base_delay=10.0, max_delay=30 * 60.0)


def enqueue(concerns: list[Concern], users: list[User], kind: str, now: dt.datetime) -> list[PushSubscription]:
    """One pending job per subscription of each user, for each concern; returns the
    subscriptions used. Does not commit: the jobs commit with whatever decided them."""
    ids = [u.id for u in users]
    subscriptions = db.session.scalars(select(PushSubscription).where(
        PushSubscription.user_id.in_(ids)).order_by(PushSubscription.id)).all() if ids else []
    for concern in concerns:
        for subscription in subscriptions:
            db.session.add(AlertJob(concern_id=concern.id, subscription_id=subscription.id,
                                    user_id=subscription.user_id, kind=kind, status=JobStatus.PENDING,
                                    next_attempt_at=now, created_at=now, updated_at=now))
        if not subscriptions:
            # Nobody can be reached by push: say so loudly; escalation will still follow.
            log.warning("urgent concern %s: no push subscription among %d recipient(s)",
                        concern.id, len(ids))
    if subscriptions:
        wakeup.announce()
    # No audit row here: the jobs are the record (GET /api/push/jobs); escalations are audited.
    return subscriptions


def cancel_escalations(concern_id: str, now: dt.datetime) -> None:
    """Someone has the concern: escalation messages not yet sent are no longer needed."""
    db.session.execute(update(AlertJob).where(
        AlertJob.concern_id == concern_id, AlertJob.kind == "escalation",
        AlertJob.status == JobStatus.PENDING).values(status=JobStatus.CANCELLED, updated_at=now,
                                                     last_error="concern acknowledged"))


def claim(now: dt.datetime, limit: int, lease_for: dt.timedelta, secret: str) -> list[Message]:
    """Claim up to `limit` due jobs and commit; returns what to send for each ([] when none is due)."""
    while True:
        jobs, messages = _claim_batch(now, limit, lease_for, secret)
        db.session.commit()
        # A batch of only closed jobs (removed subscriptions, cancelled escalations)
        # says nothing about the jobs behind it: look again.
        if messages or not jobs:
            return messages


def _claim_batch(now, limit, lease_for, secret) -> tuple[list, list[Message]]:
    # The claim runs between batches of sends, in the worker's process: plain rows, set-wise.
    columns = (AlertJob.id, AlertJob.subscription_id, AlertJob.concern_id, AlertJob.kind)
    query = lease.claimable(AlertJob, columns, now, limit)
    jobs = db.session.execute(query).all()
    # Two queries for the whole batch rather than two per job.
    subscriptions = {s.id: s for s in db.session.execute(select(
        PushSubscription.id, PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth)
        .where(PushSubscription.id.in_({j.subscription_id for j in jobs if j.subscription_id})))}
    concerns = {c.id: c for c in db.session.execute(select(
        Concern.id, Concern.urgency, Concern.team_id, Concern.duty_call, Concern.status)
        .where(Concern.id.in_({j.concern_id for j in jobs if j.concern_id})))}
    messages, claimed, closed, bodies = [], [], [], {}
    token = str(uuid.uuid4())
    for job in jobs:
        subscription = subscriptions.get(job.subscription_id)
        if subscription is None:
            closed.append((job.id, JobStatus.DEAD, "the subscription was removed"))
            continue
        if job.kind == "test":
            body, job_topic = test_payload(health.test_token(secret, job.id)), topic(secret, f"test-{job.id}")
        else:
            concern = concerns[job.concern_id]
            if job.kind == "escalation" and concern.status != UNACKNOWLEDGED:
                # Acknowledged after the escalation was queued: nobody needs waking now.
                closed.append((job.id, JobStatus.CANCELLED, "concern acknowledged"))
                continue
            if (concern.id, job.kind) not in bodies:  # the same for every browser it goes to
                bodies[concern.id, job.kind] = (
                    payload(concern.id, concern.urgency or Urgency.URGENT, concern.team_id, job.kind,
                            phoned=bool(concern.duty_call)), topic(secret, concern.id))
            body, job_topic = bodies[concern.id, job.kind]
        claimed.append(job.id)
        messages.append(Message(
            job_id=job.id, lease_token=token, subscription_id=subscription.id,
            endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth,
            payload=body, topic=job_topic))
    if claimed:
        _update_jobs(claimed, status=JobStatus.SENDING, lease_token=token, lease_expires_at=now + lease_for,
                     updated_at=now, attempts=AlertJob.attempts + 1)
    for job_id, status, error in closed:
        _update_jobs([job_id], status=status, last_status_code=None, last_error=error,
                     lease_token=None, lease_expires_at=None, updated_at=now)
    return jobs, messages


def _update_jobs(ids: list[int], *conditions, **values) -> None:
    # Nothing in this session holds these jobs as objects: no need to synchronise any.
    db.session.execute(update(AlertJob).where(AlertJob.id.in_(ids), *conditions).values(**values)
                              .execution_options(synchronize_session=False))


def finish(results: list[tuple[Message, Outcome]], now: dt.datetime) -> list[str | None]:
    """Record each outcome; returns each job's new status, or None where the lease was lost."""
    statuses: dict[int, str | None] = {}
    delivered = _finish_sent([(m, o) for m, o in results if o.result == Result.SENT], now, statuses)
    others = [(m, o) for m, o in results if o.result != Result.SENT]
    jobs = {job.id: job for job in db.session.scalars(select(AlertJob).where(
        AlertJob.id.in_([message.job_id for message, _ in others])))} if others else {}
    undelivered = []
    for message, outcome in others:
        job = jobs.get(message.job_id)
        if job is None or job.lease_token != message.lease_token:
            # Another worker re-claimed it after our lease lapsed: its record wins.
            statuses[message.job_id] = None
            continue
        if outcome.result == Result.GONE:
            lease.close(job, now, JobStatus.DEAD, outcome.status_code, outcome.error)
            _remove(message, outcome, job.user_id)
            undelivered.append(job)
        else:
            error = lease.retry_or_fail(job, now, RETRIES, outcome.result == Result.RETRY,
                                        outcome.status_code, outcome.error, outcome.retry_after)
            if error is not None:
                # A retry is not yet a failure of the channel; a refusal or giving up is.
                health.record_failure(message.subscription_id, now, error)
                undelivered.append(job)
        statuses[message.job_id] = job.status
    health.record_success(delivered, now)
    _text_instead(undelivered, now)
    return [statuses[message.job_id] for message, _ in results]


def _finish_sent(sent: list[tuple[Message, Outcome]], now: dt.datetime, statuses: dict) -> list[int]:
    """The jobs a push service accepted, in one UPDATE per lease and answer code (usually one),
    each only if it still carries our lease; returns the subscriptions that took a message."""
    groups: dict[tuple[str, int | None], list[Message]] = {}
    for message, outcome in sent:
        groups.setdefault((message.lease_token, outcome.status_code), []).append(message)
    delivered = []
    for (token, code), messages in groups.items():
        recorded = set(db.session.scalars(update(AlertJob).where(
            AlertJob.id.in_([m.job_id for m in messages]), AlertJob.lease_token == token)
            .values(status=JobStatus.SENT, last_status_code=code, last_error=None, lease_token=None,
                    lease_expires_at=None, updated_at=now, sent_at=now)
            .returning(AlertJob.id).execution_options(synchronize_session=False)))
        for message in messages:
            # Not recorded: another worker re-claimed it after our lease lapsed; its record wins.
            statuses[message.job_id] = JobStatus.SENT if message.job_id in recorded else None
            if message.job_id in recorded:
                delivered.append(message.subscription_id)
    return delivered


def _text_instead(jobs: list[AlertJob], now: dt.datetime) -> None:
    # A push that will never arrive (the subscription is gone, or the service refused it)
    # goes by SMS instead, in this same transaction, while nobody has acknowledged the concern.
    for job in jobs:
        if job.concern_id is None:
            continue  # a test alert (kind "test") proves the push channel alone
        concern = db.session.get(Concern, job.concern_id)
        user = db.session.get(User, job.user_id)
        if concern is not None and concern.status == UNACKNOWLEDGED and user is not None and user.active:
            sms.enqueue(concern, [user], "push_failed", now)


def _remove(message: Message, outcome: Outcome, user_id: int) -> None:
    # That exact subscription, and only if it still has the endpoint we sent to:
    # the browser may have re-subscribed (same row, new endpoint) meanwhile.
    removed = db.session.execute(delete(PushSubscription).where(
        PushSubscription.id == message.subscription_id,
        PushSubscription.endpoint == message.endpoint)).rowcount
    if removed:
        record("push_subscription_expired", "push_subscription", str(message.subscription_id),
               detail={"status": outcome.status_code, "user_id": user_id})
