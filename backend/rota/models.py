"""A shift of a team's on-call rota, kept in UTC; the team's time zone says how it reads."""
import datetime as dt

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class Shift(db.Model):
    __tablename__ = "rota_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # UTC, naive like every other time here; [starts_at, ends_at): the end minute is the next
    # shift's start, so back-to-back shifts neither overlap nor leave a gap.
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    primary_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    secondary_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # "Who is on duty now" looks a team's shifts up by time.
    __table_args__ = (Index("ix_rota_shifts_team_time", "team_id", "starts_at"),)
