"""The alert queues (a push message, a text) and the escalation steps taken."""
import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..clock import utcnow
from ..extensions import db
from ..push.models import PushSubscription
from .lease import Leased

JOB_KINDS = ("alert", "escalation", "test")


class AlertJob(Leased, db.Model):
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
    # Whom it is for and the browser it went to, for the admin's list of jobs, which loads
    # them with the jobs; "raise" keeps the worker's hot path from loading them by accident.
    recipient: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise", viewonly=True)
    subscription: Mapped[PushSubscription | None] = relationship(lazy="raise", viewonly=True)

    @property
    def device_label(self) -> str | None:
        """The browser as it named itself when it subscribed; None once the subscription is gone."""
        return self.subscription.device_label if self.subscription is not None else None

    # The worker's claim query: due jobs by status and time.
    __table_args__ = (Index("ix_push_alert_jobs_due", "status", "next_attempt_at"),)


class SmsJob(Leased, db.Model):
    """One alert text to one person about one concern: a row of the SMS queue.

    Unique per (concern, user): however many reasons arise (push failed, unacknowledged, an
    escalation step), a person gets one text about a concern — it says the same every time.
    """

    __tablename__ = "sms_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))  # no_push | push_failed | escalation_<step>
    notify_id: Mapped[str | None] = mapped_column(String(64))  # Notify's id for the message

    __table_args__ = (UniqueConstraint("concern_id", "user_id", name="uq_sms_jobs_concern_user"),
                      Index("ix_sms_jobs_due", "status", "next_attempt_at"))


class Escalation(db.Model):
    """One step of the escalation chain taken for an urgent concern nobody acknowledged.

    Unique per (concern, step): each step is taken once, however many workers look.
    """

    __tablename__ = "push_escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))  # secondary | team | admins (chain.py)
    escalated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)
    jobs: Mapped[int] = mapped_column(default=0)
    sms: Mapped[int] = mapped_column(default=0)  # text messages queued by this step

    __table_args__ = (UniqueConstraint("concern_id", "step", name="uq_push_escalation_steps_step"),)
