"""What is left of a purged record, and the concerns that must never be purged."""
import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class Tombstone(db.Model):
    """A record removed under the retention schedule: which, its dates, who purged it, which rule.

    Nothing of its content: the point is that it is gone, and that it went by the schedule."""

    __tablename__ = "record_tombstones"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime | None]  # when the record was made
    ended_at: Mapped[dt.datetime | None]    # when its retention clock started (closed, ended, last change)
    purged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    purged_by: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(80))  # e.g. closed_concerns=P6Y

    __table_args__ = (Index("ix_record_tombstones_kind_record", "kind", "record_id"),)


class LegalHold(db.Model):
    """A concern under legal hold (litigation, an inquiry, a complaint): never purged while held."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
