"""The SMS queue: adding texts inside the transaction that decides them, claiming and recording.

Same shape as the push queue (backend/push/queue.py): a claim marks jobs "sending" with a
lease in one short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL), Notify is called
outside any transaction, and each outcome is written back only under the same lease.
"""
import datetime as dt
import logging
import random
import uuid

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..alerts.states import JobStatus, Result
from ..clock import utcnow
from ..concerns.lifecycle import UNACKNOWLEDGED
from ..concerns.models import Concern
from ..extensions import db
from ..push import wakeup
from .models import MobileNumber, SmsJob
from .notify import Outcome, enabled

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BASE_DELAY = 15.0  # seconds before the first retry; doubles each attempt


def enqueue(concern: Concern, users: list, reason: str, now: dt.datetime | None = None) -> int:
    """One text per user with a verified number (none when SMS is off); returns how many were
    added. A user already texted about this concern is not texted again. Does not commit."""
    if not users or not enabled(current_app.config):
        return 0
    now = now or utcnow()
    verified = set(db.session.scalars(select(MobileNumber.user_id).where(
        MobileNumber.user_id.in_([u.id for u in users]), MobileNumber.verified_at.is_not(None))))
    already = set(db.session.scalars(select(SmsJob.user_id).where(
        SmsJob.concern_id == concern.id, SmsJob.user_id.in_(verified)))) if verified else set()
    added = 0
    for user_id in sorted(verified - already):
        try:
            with db.session.begin_nested():  # a concurrent insert of the same text loses alone
                db.session.add(SmsJob(concern_id=concern.id, user_id=user_id, reason=reason,
                                      status=JobStatus.PENDING, next_attempt_at=now, created_at=now,
                                      updated_at=now))
            added += 1
        except IntegrityError:
            continue
    if added:
        wakeup.announce()
    return added


def cancel(concern_id: str) -> None:
    """Someone acknowledged the concern: texts not yet sent are no longer needed."""
    db.session.execute(update(SmsJob).where(
        SmsJob.concern_id == concern_id, SmsJob.status == JobStatus.PENDING).values(
        status=JobStatus.CANCELLED, updated_at=utcnow(), last_error="concern acknowledged"))


def claim(now: dt.datetime, limit: int, lease: dt.timedelta) -> list[tuple[int, str, str, str]]:
    """Claim due texts and commit; returns (job id, lease token, number, concern id) for each."""
    due = or_(and_(SmsJob.status == JobStatus.PENDING, SmsJob.next_attempt_at <= now),
              and_(SmsJob.status == JobStatus.SENDING, SmsJob.lease_expires_at <= now))
    query = select(SmsJob).where(due).order_by(SmsJob.next_attempt_at, SmsJob.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=SmsJob)
    jobs = db.session.scalars(query).all()
    numbers = {m.user_id: m for m in db.session.scalars(select(MobileNumber).where(
        MobileNumber.user_id.in_({j.user_id for j in jobs})))} if jobs else {}
    statuses = dict(db.session.execute(select(Concern.id, Concern.status).where(
        Concern.id.in_({j.concern_id for j in jobs}))).all()) if jobs else {}
    token, claimed = str(uuid.uuid4()), []
    for job in jobs:
        mobile = numbers.get(job.user_id)
        if statuses.get(job.concern_id) != UNACKNOWLEDGED:
            _close(job, now, JobStatus.CANCELLED, None, "concern acknowledged")
        elif mobile is None or mobile.verified_at is None:
            _close(job, now, JobStatus.FAILED, None, "no verified mobile number any more")
        else:
            job.status, job.lease_token, job.lease_expires_at = JobStatus.SENDING, token, now + lease
            job.attempts, job.updated_at = job.attempts + 1, now
            claimed.append((job.id, token, mobile.number, job.concern_id))
    db.session.commit()
    return claimed


def _close(job: SmsJob, now: dt.datetime, status: str, code: int | None, error: str | None) -> None:
    job.status, job.last_status_code, job.last_error = status, code, error
    job.lease_token, job.lease_expires_at, job.updated_at = None, None, now


def finish(job_id: int, token: str, outcome: Outcome, now: dt.datetime) -> str | None:
    """Record one outcome (retry with backoff, give up after MAX_ATTEMPTS); None if the lease was lost."""
    job = db.session.get(SmsJob, job_id)
    if job is None or job.lease_token != token:
        return None
    if outcome.result == Result.SENT:
        _close(job, now, JobStatus.SENT, outcome.status_code, None)
        job.sent_at, job.notify_id = now, outcome.notify_id
    elif outcome.result == Result.RETRY and job.attempts < MAX_ATTEMPTS:
        _close(job, now, JobStatus.PENDING, outcome.status_code, outcome.error)
        delay = BASE_DELAY * 2 ** (job.attempts - 1) * random.uniform(0.8, 1.2)
        job.next_attempt_at = now + dt.timedelta(seconds=delay)
    else:
        error = outcome.error if outcome.result != Result.RETRY else f"gave up: {outcome.error}"
        _close(job, now, JobStatus.FAILED, outcome.status_code, error)
        log.warning("SMS job %s failed: %s", job.id, error)
    return job.status
