"""Credentials besides the password: one-time setup codes, the TOTP second factor, and the
link to an identity at the organisation's provider (single sign-on).

Setup codes and recovery codes are kept only as SHA-256 digests: each is at least 60 random
bits, single use and (setup codes) short-lived, so a plain hash is enough and a copy of
these tables opens nothing. The TOTP secret has to be kept as it is, since the server must
compute the same codes as the authenticator app (SECURITY.md says so).
"""
import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class SetupCode(db.Model):
    """A one-time code with which a person sets their own password (backend/accounts/setup_codes.py)."""
    __tablename__ = "setup_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class TotpFactor(db.Model):
    """A person's authenticator (RFC 6238). `confirmed_at` is None until a first code proves
    the app has the secret; `last_step` is the newest time step used, so a code is never
    accepted twice (backend/accounts/second_factor.py)."""
    __tablename__ = "totp_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None]
    last_step: Mapped[int | None]


class RecoveryCode(db.Model):
    """One of the one-time codes that stand in for the authenticator when it is lost."""
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None]


class SsoIdentity(db.Model):
    """A SafeVisit user is this (issuer, subject) at the provider: never matched by email,
    which a provider may let people change or reuse."""
    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
