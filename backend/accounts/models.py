"""Teams and users. A user belongs to one team and has one role."""
import datetime as dt
import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db


class Role(str, enum.Enum):
    FOSTER_CARER = "foster_carer"
    FIELD_WORKER = "field_worker"
    DUTY_MANAGER = "duty_manager"
    ADMIN = "admin"


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # Shown as tap-to-call links when a child is in immediate danger, also offline
    # (`flask teams set-phones`); None until an admin sets them.
    duty_phone: Mapped[str | None] = mapped_column(String(30))
    out_of_hours_phone: Mapped[str | None] = mapped_column(String(30))
    office_hours: Mapped[str | None] = mapped_column(String(80))
    # When the duty desk answers (`flask teams set-office-hours`, backend/accounts/office_hours.py):
    # ISO weekdays ("12345" = Monday to Friday) and "HH:MM" times in the team's time zone.
    # The phone keeps them and picks the duty desk or the out-of-hours number itself, offline.
    office_days: Mapped[str | None] = mapped_column(String(7))
    office_opens: Mapped[str | None] = mapped_column(String(5))
    office_closes: Mapped[str | None] = mapped_column(String(5))
    # An IANA zone: office hours (and the on-call rota) are wall-clock times here.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London",
                                           server_default="Europe/London")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout and deactivation: every session cookie carrying an older
    # value is refused, which ends all of the user's sessions at once.
    session_epoch: Mapped[int] = mapped_column(default=0)
    on_duty: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Every view that shows a user shows the team too.
    team: Mapped[Team] = relationship(lazy="joined")

    @property
    def is_manager(self) -> bool:
        return self.role == Role.DUTY_MANAGER.value

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


class DeviceKey(db.Model):
    """The second credential of one signed-in session (backend/accounts/device_keys.py).

    Only a SHA-256 of the key is kept: the key itself is 256 random bits, so a plain hash is
    enough, and a copy of this table opens nothing.
    """
    __tablename__ = "device_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
