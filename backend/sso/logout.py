"""OpenID Connect Back-Channel Logout 1.0: the provider says a person's session ended.

The logout token is checked as the specification says (section 2.6): signed by a key of the
provider's JWKS, issued by our issuer, for our client, recently, with the back-channel logout
event, no nonce, and a sid and/or sub. SafeVisit then ends every session of the person it
names: SafeVisit revokes sessions per person (a new epoch, every device key deleted), which is
what makes each of their phones wipe at its next contact, as after a revocation by an admin.
"""
import base64
import hashlib
import json
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
from ..extensions import db, limiter
from . import client as oidc
from .models import SsoIdentity, SsoSession
from .people import issuer_forms

EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_AGE_SECONDS = 600  # an older token is refused, so a captured one cannot be replayed later
LEEWAY_SECONDS = 120
TOKEN_TYPES = ("logout+jwt", "application/logout+jwt")
JWKS_REFETCH_KEY = "sso/jwks-refetch"
JWKS_REFETCH_SECONDS = 60


class InvalidLogoutToken(Exception):
    """The token is not one SafeVisit may act on; the message says why (for the 400 answer)."""


def _header(raw: str) -> dict:
    try:
        header = json.loads(base64.urlsafe_b64decode(raw.split(".")[0] + "=="))
    except (ValueError, UnicodeDecodeError):
        raise InvalidLogoutToken("it is not a signed token") from None
    if not isinstance(header, dict):
        raise InvalidLogoutToken("it is not a signed token")
    return header


def _may_refetch_keys() -> bool:
    """At most one forced fetch of the provider's keys a minute, across processes: a stream of
    junk tokens naming unknown keys cannot turn SafeVisit against its provider."""
    return limiter.storage.incr(JWKS_REFETCH_KEY, JWKS_REFETCH_SECONDS) == 1


def _decode(raw: str) -> jwt.Token:
    header = _header(raw)
    typ = header.get("typ")
    # Back-Channel Logout 1.0 section 2.4: a logout token is typed logout+jwt; an ID token or
    # any other JWT signed by the same provider must not pass for one.
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in TOKEN_TYPES):
        raise InvalidLogoutToken("it is not typed as a logout token")
    provider = oidc.client()
    metadata = provider.load_server_metadata()
    registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
    try:
        keys = KeySet.import_key_set(provider.fetch_jwk_set())
        kid = header.get("kid")
        if kid is not None and not any(key.kid == kid for key in keys.keys):
            # A key we have not seen: the provider may have rotated its keys since we fetched them.
            if not _may_refetch_keys():
                raise InvalidLogoutToken("it names a key the provider does not publish")
            keys = KeySet.import_key_set(provider.fetch_jwk_set(force=True))
        return jwt.decode(raw, keys, registry=registry)
    except (JoseError, ValueError):
        # The library's own words stay in the code: the answer says what, never which class.
        raise InvalidLogoutToken("the signature does not verify") from None


def remember(claims: dict) -> None:
    """Each token acts once: its jti is kept (in the limiter's shared store) until it expires."""
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 200:
        raise InvalidLogoutToken("it has no token id (jti)")
    until = max(claims.get("exp") or 0, claims["iat"] + MAX_AGE_SECONDS) + LEEWAY_SECONDS
    seconds = max(1, int(until - time.time()))
    digest = hashlib.sha256(f"{claims['iss']} {jti}".encode("utf-8", "surrogatepass")).hexdigest()
    if limiter.storage.incr(f"logout-jti/{digest}", seconds) != 1:
        raise InvalidLogoutToken("it was used already")


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
    remember(claims)  # last: a token refused for another reason does not use up its jti
    return claims


def end_sessions(claims: dict) -> int:
    """Ends the sessions of whoever the token names; returns how many people that was."""
    issuer = current_app.config["OIDC_ISSUER"]
    user_ids = set()
    if isinstance(claims.get("sub"), str):
        user_ids.update(db.session.scalars(select(SsoIdentity.user_id).where(
            SsoIdentity.issuer.in_(issuer_forms(issuer)), SsoIdentity.subject == claims["sub"])))
    if isinstance(claims.get("sid"), str):
        user_ids.update(db.session.scalars(select(SsoSession.user_id).where(
            SsoSession.issuer.in_(issuer_forms(issuer)), SsoSession.sid == claims["sid"])))
    for user_id in sorted(user_ids):
        # Locked (the user row only: its team is joined in) so two logouts cannot both read one epoch.
        user = db.session.scalar(select(User).where(User.id == user_id).with_for_update(of=User))
        end_all_sessions(user)
        db.session.execute(delete(SsoSession).where(SsoSession.user_id == user.id))
        record("sso_logout", "user", str(user.id), detail={"by": "provider"})
    return len(user_ids)
