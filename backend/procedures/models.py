"""Stored procedure versions. A version is immutable once loaded."""
import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


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


class ProcedureRecheck(db.Model):
    """An open concern whose recommendations would differ under a newly loaded revision.

    Written when the revision is loaded (backend/concerns/rechecks.py); the concern keeps its own revision, and
    its team's duty managers see the difference and decide.
    """

    __tablename__ = "procedure_rechecks"
    __table_args__ = (UniqueConstraint("concern_id", "to_version", name="uq_recheck_concern_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    from_version: Mapped[str] = mapped_column(String(20))
    to_version: Mapped[str] = mapped_column(String(20))
    before: Mapped[list] = mapped_column(JSON)  # [[action, urgency], ...] as recommended
    after: Mapped[list] = mapped_column(JSON)   # ... and under the new revision
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
