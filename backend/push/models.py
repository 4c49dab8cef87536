"""A browser's push subscription: where an alert can reach a person."""
import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

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
