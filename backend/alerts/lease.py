"""The one lease queue both alert channels (Web Push, SMS) run on.

A job is a row with the columns below. A worker claims due jobs by marking them "sending"
with a lease token and expiry in one short transaction (FOR UPDATE SKIP LOCKED on
PostgreSQL, so concurrent workers take disjoint jobs; SQLite's single writer serialises
claims); it sends outside any transaction; it writes each outcome back only if the job still
carries its token, so a late worker never overwrites a newer claim, and a crashed worker's
jobs come due again when their lease lapses.
"""
import dataclasses
import datetime as dt
import random

from sqlalchemy import Select, String, Text, and_, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from .states import JobStatus


class Leased:
    """The lease columns of a job table (push_alert_jobs, sms_jobs)."""

    status: Mapped[str] = mapped_column(String(20), default=JobStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # While "sending": the claim's token and when it lapses.
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_expires_at: Mapped[dt.datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


@dataclasses.dataclass(frozen=True)
class Retries:
    """How a channel retries: attempts before giving up, the first delay (doubling), a cap."""
    max_attempts: int
    base_delay: float
    max_delay: float | None = None

    def backoff(self, attempts: int, retry_after: float | None = None) -> float:
        delay = self.base_delay * 2 ** max(attempts - 1, 0)
        if self.max_delay is not None:
            delay = min(delay, self.max_delay)
        delay *= random.uniform(0.8, 1.2)  # spread retries so they do not arrive in step
        return max(delay, retry_after or 0.0)


def due(model, now: dt.datetime):
    """Pending and due, or claimed under a lease that has lapsed."""
    return or_(and_(model.status == JobStatus.PENDING, model.next_attempt_at <= now),
               and_(model.status == JobStatus.SENDING, model.lease_expires_at <= now))


def claimable(model, columns: tuple, now: dt.datetime, limit: int) -> Select:
    """The claim's query: up to `limit` due jobs, oldest due first, locked past other workers."""
    query = select(*columns).where(due(model, now)).order_by(model.next_attempt_at, model.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=model)
    return query


def close(job: Leased, now: dt.datetime, status: str, code: int | None, error: str | None) -> None:
    """Out of the worker's hands: a final status, or pending again for a retry."""
    job.status, job.last_status_code, job.last_error = status, code, error
    job.lease_token, job.lease_expires_at, job.updated_at = None, None, now


def retry_or_fail(job: Leased, now: dt.datetime, retries: Retries, retry: bool, code: int | None,
                  error: str | None, retry_after: float | None = None) -> str | None:
    """A send that did not go: pending again with a backoff while attempts remain and the
    answer allows one; otherwise failed (with "gave up" when it was only ever a retry).
    Returns the error recorded when the job failed, None when it waits for a retry."""
    if retry and job.attempts < retries.max_attempts:
        close(job, now, JobStatus.PENDING, code, error)
        job.next_attempt_at = now + dt.timedelta(seconds=retries.backoff(job.attempts, retry_after))
        return None
    error = f"gave up: {error}" if retry else error
    close(job, now, JobStatus.FAILED, code, error)
    return error
