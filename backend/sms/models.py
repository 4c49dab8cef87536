"""A manager's mobile number (verified once with a code) and the text-message queue."""
import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..alerts.states import JobStatus
from ..clock import utcnow
from ..extensions import db



class MobileNumber(db.Model):
    """One per user. Alerts go to it only once `verified_at` is set."""

    __tablename__ = "mobile_numbers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[str] = mapped_column(String(20))  # E.164, +447…
    verified_at: Mapped[dt.datetime | None]
    # The pending code, as an HMAC (a copy of the table reveals no code), its expiry and how
    # many wrong tries it has had; cleared once used.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_sent_at: Mapped[dt.datetime | None]
    code_expires_at: Mapped[dt.datetime | None]
    code_attempts: Mapped[int] = mapped_column(default=0)


class SmsJob(db.Model):
    """One alert text to one person about one concern: a row of the SMS queue.

    Unique per (concern, user): however many reasons arise (push failed, unacknowledged, an
    escalation step), a person gets one text about a concern — it says the same every time.
    """

    __tablename__ = "sms_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))  # no_push | push_failed | escalation_<step>
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_expires_at: Mapped[dt.datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    notify_id: Mapped[str | None] = mapped_column(String(64))  # Notify's id for the message
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

    __table_args__ = (UniqueConstraint("concern_id", "user_id", name="uq_sms_jobs_concern_user"),
                      Index("ix_sms_jobs_due", "status", "next_attempt_at"))
