"""OpenID Connect Back-Channel Logout 1.0: the provider says a person's session ended.

The logout token is checked as the specification says (section 2.6): signed by a key of the
provider's JWKS, issued by our issuer, for our client, recently, with the back-channel logout
event, no nonce, and a sid and/or sub. SafeVisit then ends every session of the person it
names: SafeVisit revokes sessions per person (a new epoch, every device key deleted), which is
what makes each of their phones wipe at its next contact, as after a revocation by an admin.
"""
import time

from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import delete, select

from ..accounts.models import User
from ..accounts.sessions import end_all_sessions
from ..audit.log import record
from ..extensions import db
from . import client as oidc
from .models import SsoIdentity, SsoSession

EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_AGE_SECONDS = 600  # an older token is refused, so a captured one cannot be replayed later
LEEWAY_SECONDS = 120


class InvalidLogoutToken(Exception):
    """The token is not one SafeVisit may act on; the message says why (for the 400 answer)."""


def _decode(raw: str) -> jwt.Token:
    provider = oidc.client()
    metadata = provider.load_server_metadata()
    registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
    try:
        keys = KeySet.import_key_set(provider.fetch_jwk_set())
        try:
            return jwt.decode(raw, keys, registry=registry)
        except JoseError:
            # The provider may have rotated its keys since we last fetched them.
            keys = KeySet.import_key_set(provider.fetch_jwk_set(force=True))
            return jwt.decode(raw, keys, registry=registry)
    except (JoseError, ValueError) as error:
        raise InvalidLogoutToken(f"the signature does not verify ({error.__class__.__name__})") from None


def verify(raw: str) -> dict:
    """The claims of a valid logout token; InvalidLogoutToken otherwise."""
    if not raw or len(raw) > 8000:
        raise InvalidLogoutToken("no logout token")
    claims = _decode(raw).claims
    config = current_app.config
    now = time.time()
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if claims.get("iss") != config["OIDC_ISSUER"]:
        raise InvalidLogoutToken("issued by another issuer")
    if config["OIDC_CLIENT_ID"] not in audiences:
        raise InvalidLogoutToken("meant for another client")
    iat = claims.get("iat")
    if not isinstance(iat, (int, float)) or not now - MAX_AGE_SECONDS <= iat <= now + LEEWAY_SECONDS:
        raise InvalidLogoutToken("issued too long ago, in the future, or at no stated time")
    exp = claims.get("exp")
    if exp is not None and (not isinstance(exp, (int, float)) or exp < now - LEEWAY_SECONDS):
        raise InvalidLogoutToken("expired")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(EVENT), dict):
        raise InvalidLogoutToken("not a back-channel logout event")
    if "nonce" in claims:
        raise InvalidLogoutToken("a logout token must not carry a nonce")
    sid, sub = claims.get("sid"), claims.get("sub")
    if not (isinstance(sid, str) and sid) and not (isinstance(sub, str) and sub):
        raise InvalidLogoutToken("names neither a session (sid) nor a person (sub)")
    return claims


def end_sessions(claims: dict) -> int:
    """Ends the sessions of whoever the token names; returns how many people that was."""
    issuer = current_app.config["OIDC_ISSUER"]
    user_ids = set()
    if isinstance(claims.get("sub"), str):
        user_ids.update(db.session.scalars(select(SsoIdentity.user_id).filter_by(
            issuer=issuer, subject=claims["sub"])))
    if isinstance(claims.get("sid"), str):
        user_ids.update(db.session.scalars(select(SsoSession.user_id).filter_by(
            issuer=issuer, sid=claims["sid"])))
    for user_id in sorted(user_ids):
        # Locked (the user row only: its team is joined in) so two logouts cannot both read one epoch.
        user = db.session.scalar(select(User).where(User.id == user_id).with_for_update(of=User))
        end_all_sessions(user)
        db.session.execute(delete(SsoSession).where(SsoSession.user_id == user.id))
        record("sso_logout", "user", str(user.id), detail={"by": "provider"})
    return len(user_ids)
