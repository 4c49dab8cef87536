"""The SMS channel: adding texts inside the transaction that decides them, claiming due ones
and recording what Notify said, on the same lease queue as Web Push (../lease.py)."""
import datetime as dt
import logging
import uuid

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...clock import utcnow
from ...concerns.lifecycle import UNACKNOWLEDGED
from ...concerns.models import Concern
from ...extensions import db
from ...push.states import Result
from ...sms.models import MobileNumber
from ...sms.notify import Outcome, enabled
from .. import lease, wakeup
from ..models import SmsJob
from ..states import JobStatus

log = logging.getLogger(__name__)

RETRIES = lease.Retries(max_attempts=6, base_delay=15.0)


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


def claim(now: dt.datetime, limit: int, lease_for: dt.timedelta) -> list[tuple[int, str, str, str]]:
    """Claim due texts and commit; returns (job id, lease token, number, concern id) for each."""
    jobs = db.session.scalars(lease.claimable(SmsJob, (SmsJob,), now, limit)).all()
    numbers = {m.user_id: m for m in db.session.scalars(select(MobileNumber).where(
        MobileNumber.user_id.in_({j.user_id for j in jobs})))} if jobs else {}
    statuses = dict(db.session.execute(select(Concern.id, Concern.status).where(
        Concern.id.in_({j.concern_id for j in jobs}))).all()) if jobs else {}
    token, claimed = str(uuid.uuid4()), []
    for job in jobs:
        mobile = numbers.get(job.user_id)
        if statuses.get(job.concern_id) != UNACKNOWLEDGED:
            lease.close(job, now, JobStatus.CANCELLED, None, "concern acknowledged")
        elif mobile is None or mobile.verified_at is None:
            lease.close(job, now, JobStatus.FAILED, None, "no verified mobile number any more")
        else:
            job.status, job.lease_token, job.lease_expires_at = JobStatus.SENDING, token, now + lease_for
            job.attempts, job.updated_at = job.attempts + 1, now
            claimed.append((job.id, token, mobile.number, job.concern_id))
    db.session.commit()
    return claimed


def finish(job_id: int, token: str, outcome: Outcome, now: dt.datetime) -> str | None:
    """Record one outcome (retry with backoff, give up after RETRIES); None if the lease was lost."""
    job = db.session.get(SmsJob, job_id)
    if job is None or job.lease_token != token:
        return None
    if outcome.result == Result.SENT:
        lease.close(job, now, JobStatus.SENT, outcome.status_code, None)
        job.sent_at, job.notify_id = now, outcome.notify_id
    else:
        error = lease.retry_or_fail(job, now, RETRIES, outcome.result == Result.RETRY,
                                    outcome.status_code, outcome.error)
        if error is not None:
            log.warning("SMS job %s failed: %s", job.id, error)
    return job.status
