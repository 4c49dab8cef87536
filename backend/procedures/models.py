"""Stored procedure versions. A version is immutable once loaded."""
import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ProcedureVersion(db.Model):
    __tablename__ = "procedure_versions"
    __table_args__ = (UniqueConstraint("slug", "version", name="uq_procedure_slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    updated: Mapped[str] = mapped_column(String(10))
    # The canonical JSON bytes as text: what is served and what the ETag hashes.
    body: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
