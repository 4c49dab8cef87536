"""Claiming due jobs (safely, with several workers) and recording what happened to each.

A claim marks jobs "sending" with a lease token and expiry in one short transaction;
the sends happen outside any transaction; each outcome is written back only if the
job still carries that token. On PostgreSQL the claim uses FOR UPDATE SKIP LOCKED, so
concurrent workers take disjoint jobs without waiting on each other. SQLite has one
writer at a time (BEGIN IMMEDIATE, see database.py), which serialises claims.
"""
import datetime as dt
import random
import uuid

from sqlalchemy import and_, delete, or_, select, update

from ..accounts.models import User
from ..audit.log import record
from ..concerns.models import Concern
from ..extensions import db
from ..sms import queue as sms
from . import health
from .delivery import Message, Outcome, payload, test_payload, topic
from .models import AlertJob, PushSubscription

MAX_ATTEMPTS = 8
BASE_DELAY = 10.0  # seconds before the first retry; doubles each attempt
MAX_DELAY = 30 * 60.0


def backoff(attempts: int, retry_after: float | None) -> float:
    delay = min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    delay *= random.uniform(0.8, 1.2)  # spread retries so they do not arrive in step
    return max(delay, retry_after or 0.0)


def claim(now: dt.datetime, limit: int, lease: dt.timedelta, secret: str) -> list[Message]:
    """Claim up to `limit` due jobs and commit; returns what to send for each ([] when none is due)."""
    while True:
        jobs, messages = _claim_batch(now, limit, lease, secret)
        db.session.commit()
        # A batch of only closed jobs (removed subscriptions, cancelled escalations)
        # says nothing about the jobs behind it: look again.
        if messages or not jobs:
            return messages


def _claim_batch(now, limit, lease, secret) -> tuple[list, list[Message]]:
    # Plain rows and set-wise UPDATEs, not unit-of-work objects: the claim runs between batches
    # of sends, in the worker's process, and whatever it costs is time nobody is sending
    # (the worker's send rate beside bare pywebpush).
    due = or_(and_(AlertJob.status == "pending", AlertJob.next_attempt_at <= now),
              and_(AlertJob.status == "sending", AlertJob.lease_expires_at <= now))
    query = (select(AlertJob.id, AlertJob.subscription_id, AlertJob.concern_id, AlertJob.kind)
             .where(due).order_by(AlertJob.next_attempt_at, AlertJob.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
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
            closed.append((job.id, "dead", "the subscription was removed"))
            continue
        if job.kind == "test":
            body, job_topic = test_payload(health.test_token(secret, job.id)), topic(secret, f"test-{job.id}")
        else:
            concern = concerns[job.concern_id]
            if job.kind == "escalation" and concern.status != "submitted":
                # Acknowledged after the escalation was queued: nobody needs waking now.
                closed.append((job.id, "cancelled", "concern acknowledged"))
                continue
            if (concern.id, job.kind) not in bodies:  # the same for every browser it goes to
                bodies[concern.id, job.kind] = (
                    payload(concern.id, concern.urgency or "urgent", concern.team_id, job.kind,
                            phoned=bool(concern.duty_call)), topic(secret, concern.id))
            body, job_topic = bodies[concern.id, job.kind]
        claimed.append(job.id)
        messages.append(Message(
            job_id=job.id, lease_token=token, subscription_id=subscription.id,
            endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth,
            payload=body, topic=job_topic))
    if claimed:
        _update_jobs(claimed, status="sending", lease_token=token, lease_expires_at=now + lease,
                     updated_at=now, attempts=AlertJob.attempts + 1)
    for job_id, status, error in closed:
        _update_jobs([job_id], status=status, last_status_code=None, last_error=error,
                     lease_token=None, lease_expires_at=None, updated_at=now)
    return jobs, messages


def _update_jobs(ids: list[int], *conditions, **values) -> None:
    # Nothing in this session holds these jobs as objects: no need to synchronise any.
    db.session.execute(update(AlertJob).where(AlertJob.id.in_(ids), *conditions).values(**values)
                              .execution_options(synchronize_session=False))


def _close(job: AlertJob, now: dt.datetime, status: str, code: int | None, error: str | None):
    job.status, job.last_status_code, job.last_error = status, code, error
    job.lease_token, job.lease_expires_at, job.updated_at = None, None, now


def finish(results: list[tuple[Message, Outcome]], now: dt.datetime) -> list[str | None]:
    """Record each outcome; returns each job's new status, or None where the lease was lost."""
    statuses: dict[int, str | None] = {}
    delivered = _finish_sent([(m, o) for m, o in results if o.result == "sent"], now, statuses)
    others = [(m, o) for m, o in results if o.result != "sent"]
    jobs = {job.id: job for job in db.session.scalars(select(AlertJob).where(
        AlertJob.id.in_([message.job_id for message, _ in others])))} if others else {}
    undelivered = []
    for message, outcome in others:
        job = jobs.get(message.job_id)
        if job is None or job.lease_token != message.lease_token:
            # Another worker re-claimed it after our lease lapsed: its record wins.
            statuses[message.job_id] = None
            continue
        if outcome.result == "gone":
            _close(job, now, "dead", outcome.status_code, outcome.error)
            _remove(message, outcome, job.user_id)
            undelivered.append(job)
        elif outcome.result == "retry" and job.attempts < MAX_ATTEMPTS:
            _close(job, now, "pending", outcome.status_code, outcome.error)
            job.next_attempt_at = now + dt.timedelta(seconds=backoff(job.attempts, outcome.retry_after))
        else:
            error = outcome.error if outcome.result != "retry" else f"gave up: {outcome.error}"
            _close(job, now, "failed", outcome.status_code, error)
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
            .values(status="sent", last_status_code=code, last_error=None, lease_token=None,
                    lease_expires_at=None, updated_at=now, sent_at=now)
            .returning(AlertJob.id).execution_options(synchronize_session=False)))
        for message in messages:
            # Not recorded: another worker re-claimed it after our lease lapsed; its record wins.
            statuses[message.job_id] = "sent" if message.job_id in recorded else None
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
        if concern is not None and concern.status == "submitted" and user is not None and user.active:
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
