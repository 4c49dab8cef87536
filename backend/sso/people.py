"""Creating or updating the SafeVisit user a provider's person is, keyed by (issuer, sub)."""
import hashlib
import re

from sqlalchemy import select

from ..accounts.models import Team, User
from ..accounts.sessions import end_all_sessions
from ..audit.log import record
from ..extensions import db
from .models import SsoIdentity

# Not an Argon2 hash, so no password ever matches it: these people sign in only at the provider.
NO_PASSWORD = "!single-sign-on"


def _free_username(claims: dict, issuer: str, subject: str) -> str:
    """The provider's username when it fits and is free, else one made from the identity."""
    wanted = str(claims.get("preferred_username") or claims.get("email") or "").strip().lower()
    wanted = re.sub(r"[^a-z0-9._@-]", "", wanted)[:40]
    if wanted and db.session.scalar(select(User.id).filter_by(username=wanted)) is None:
        return wanted
    return "sso-" + hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:16]


def _display_name(claims: dict, fallback: str) -> str:
    name = claims.get("name")
    return name.strip()[:80] if isinstance(name, str) and name.strip() else fallback


def issuer_forms(issuer: str) -> list[str]:
    """The issuer as the provider states it, and as SafeVisit stored it before keeping its
    trailing slash (Auth0's "https://tenant.auth0.com/" was kept without it): an identity or
    session stored then is still the same person's."""
    return list(dict.fromkeys([issuer, issuer.rstrip("/")]))


def upsert(issuer: str, claims: dict, role: str, team: Team) -> User | None:
    """The user for this person, with the role and team their claims map to now; None when
    the account was deactivated in SafeVisit (the provider cannot switch it back on)."""
    subject = claims["sub"]
    identity = db.session.scalar(select(SsoIdentity).where(
        SsoIdentity.issuer.in_(issuer_forms(issuer)), SsoIdentity.subject == subject)
        .order_by(SsoIdentity.issuer != issuer).limit(1))
    if identity is not None and identity.issuer != issuer:
        identity.issuer = issuer  # stored the old way: from now on as the provider states it
    if identity is None:
        username = _free_username(claims, issuer, subject)
        user = User(username=username, display_name=_display_name(claims, username),
                    password_hash=NO_PASSWORD, role=role, team=team)
        db.session.add(user)
        db.session.flush()
        db.session.add(SsoIdentity(user_id=user.id, issuer=issuer, subject=subject))
        record("sso_user_created", "user", str(user.id), user=user, detail={"role": role, "team": team.id})
        return user
    user = db.session.get(User, identity.user_id)
    if not user.active:
        return None
    if (user.role, user.team_id) != (role, team.id):
        # A changed role or team changes what the person may see: sessions under the old one end.
        record("sso_user_changed", "user", str(user.id), user=user, detail={
            "role": [user.role, role], "team": [user.team_id, team.id]})
        user.role, user.team = role, team
        end_all_sessions(user)
    user.display_name = _display_name(claims, user.display_name)
    return user
