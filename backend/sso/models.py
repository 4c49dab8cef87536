"""What single sign-on keeps: the claim mapping, who is who at the provider, hand-offs, sessions."""
import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.credential_models import SsoIdentity  # noqa: F401  (kept where sso reads it)
from ..accounts.models import Team
from ..clock import utcnow
from ..extensions import db


class SsoMapping(db.Model):
    """One claim value and what it grants: a role (role claim) or a team (team claim)."""
    __tablename__ = "sso_mappings"
    __table_args__ = (
        UniqueConstraint("claim", "value"),
        CheckConstraint("(claim = 'role' AND role IS NOT NULL AND team_id IS NULL) OR "
                        "(claim = 'team' AND team_id IS NOT NULL AND role IS NULL)", name="ck_sso_mapping_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim: Mapped[str] = mapped_column(String(10))  # "role" or "team"
    value: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # The screen shows every mapping with its team's name.
    team: Mapped[Team | None] = relationship(lazy="joined")


class SsoHandoff(db.Model):
    """A sign-in the provider vouched for, waiting for the app to collect its device key.

    The callback is a page load, which cannot hand the app a secret except in the URL; so the
    callback keeps this row (only a hash of its token, and the token only in the session
    cookie) and the app redeems it once with a POST, which is when the session and its key are
    made (backend/sso/handoff.py).
    """
    __tablename__ = "sso_handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SsoSession(db.Model):
    """The provider's session id (`sid`) of a sign-in, so its back-channel logout finds the user."""
    __tablename__ = "sso_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    sid: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
