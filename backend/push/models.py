"""Push subscriptions, alert jobs (the delivery queue) and the escalation steps taken."""
import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..alerts.states import JobStatus
from ..clock import utcnow
from ..extensions import db

JOB_KINDS = ("alert", "escalation", "test")


class PushSubscription(db.Model):
    """One browser's PushSubscription, owned by the user signed in on it."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The endpoint names the browser at its push service: one row per endpoint, whoever holds it.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    # Milliseconds since the epoch, as the browser gives it: past 32 bits, hence BigInteger.
    expiration_time: Mapped[int | None] = mapped_column(BigInteger)
    device_label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_sent_at: Mapped[dt.datetime | None]
    # The channel's health (backend/push/health.py), written by the delivery worker: when the
    # push service last accepted a message for it, when one last failed and why, and when a
    # test alert was last acknowledged from its notification (proven end to end).
    last_success_at: Mapped[dt.datetime | None]
    last_failure_at: Mapped[dt.datetime | None]
    last_failure: Mapped[str | None] = mapped_column(String(200))
    confirmed_at: Mapped[dt.datetime | None]


class AlertJob(db.Model):
    """One push message to one subscription: a row of the delivery queue."""

    __tablename__ = "push_alert_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for a test alert (kind "test"), which is about no concern.
    concern_id: Mapped[str | None] = mapped_column(ForeignKey("concerns.id"), index=True)
    # SET NULL: when a push service says a subscription is gone its row is deleted,
    # and the job's history (who, when, what status) stays.
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20), default="alert")
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # While "sending": the claim's token and when it lapses, so that a crashed
    # worker's jobs are claimed again and a late worker cannot overwrite a new claim.
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_expires_at: Mapped[dt.datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

    # The worker's claim query: due jobs by status and time.
    __table_args__ = (Index("ix_push_alert_jobs_due", "status", "next_attempt_at"),)


class Escalation(db.Model):
    """One step of the escalation chain taken for an urgent concern nobody acknowledged.

    Unique per (concern, step): each step is taken once, however many workers look.
    """

    __tablename__ = "push_escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))  # secondary | team | admins (escalation_chain.py)
    escalated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)
    jobs: Mapped[int] = mapped_column(default=0)
    sms: Mapped[int] = mapped_column(default=0)  # text messages queued by this step

    __table_args__ = (UniqueConstraint("concern_id", "step", name="uq_push_escalation_steps_step"),)
