"""A manager's mobile number, verified once with a code."""
import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

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
