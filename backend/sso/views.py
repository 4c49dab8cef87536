"""`/auth/oidc`: the pages of a sign-in with the organisation, and back-channel logout.

Outside /api on purpose: the browser navigates to these (the API refuses navigations), and
the provider posts logout tokens here from its own server (no session, no CSRF token).
`/api/auth/oidc/handoff` is the app's half: it redeems the sign-in for a session and key.
"""
import logging

import requests
from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, current_app, request, url_for
from flask_wtf.csrf import generate_csrf
from joserfc.errors import JoseError

from .. import openapi
from ..accounts.schemas import SessionSchema
from ..accounts.sessions import log_in
from ..audit.log import record
from ..errors import ApiError
from ..extensions import csrf, db, limiter
from . import client as oidc, handoff, logout, mapping, pages, people

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__, url_prefix="/auth/oidc")
api_bp = Blueprint("sso_api", __name__, url_prefix="/api/auth/oidc")
openapi.EXTRA_OPERATIONS.append((
    "post", "/api/auth/oidc/handoff", "Collect a sign-in with the organisation: the session and its device key, once",
    None, None, SessionSchema, [], [401, 403]))


@bp.get("/login")
def login():
    if not oidc.enabled():
        return pages.not_configured()
    try:
        return oidc.client().authorize_redirect(url_for("sso.callback", _external=True))
    except requests.RequestException:
        log.warning("the OpenID Connect provider's metadata could not be fetched")
        return pages.unavailable()


@bp.get("/callback")
def callback():
    if not oidc.enabled():
        return pages.not_configured()
    try:
        # Checks the state against this browser's session, swaps the code (with the PKCE
        # verifier) at the token endpoint, and verifies the ID token: signature from the
        # provider's JWKS, issuer, audience, expiry and the nonce of this sign-in.
        token = oidc.client().authorize_access_token()
    except requests.RequestException:
        log.warning("the OpenID Connect provider did not answer the code exchange")
        return pages.unavailable()
    except (AuthlibBaseError, JoseError, ValueError) as error:
        log.info("an OpenID Connect sign-in was refused: %s", error.__class__.__name__)
        return pages.failed()
    claims = token.get("userinfo")
    if not claims or not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return pages.failed()  # no ID token, so nothing vouched for who this is
    outcome = mapping.resolve(claims)
    if outcome.reason:
        # Nothing is created for a person SafeVisit has no place for; the audit says someone tried.
        record("sso_refused", "sso", claims["sub"][:64], detail={"reason": outcome.reason})
        db.session.commit()
        return pages.not_mapped(outcome.reason, outcome.role_values, outcome.team_values)
    user = people.upsert(current_app.config["OIDC_ISSUER"], claims, outcome.role, outcome.team)
    if user is None:
        db.session.commit()
        return pages.deactivated()
    handoff.prune()
    handoff.start(user, claims.get("sid") if isinstance(claims.get("sid"), str) else None)
    db.session.commit()
    response = current_app.redirect("/login/organisation")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/backchannel-logout")
@limiter.limit(lambda: current_app.config["OIDC_LOGOUT_LIMIT"], key_func=lambda: f"sso-logout:{request.remote_addr}")
@csrf.exempt  # server to server: the signed logout token is the proof, there is no browser
def backchannel_logout():
    if not oidc.enabled():
        raise ApiError(404, "Single sign-on is not set up.")
    try:
        claims = logout.verify(request.form.get("logout_token", ""))
    except logout.InvalidLogoutToken as error:
        log.info("a back-channel logout token was refused: %s", error)
        raise ApiError(400, f"The logout token was refused: {error}.", "invalid_logout_token") from None
    except requests.RequestException:
        raise ApiError(503, "The provider's keys could not be fetched.") from None
    logout.end_sessions(claims)
    db.session.commit()
    response = current_app.response_class(status=200)
    response.headers["Cache-Control"] = "no-store"
    return response


@api_bp.post("/handoff")
def redeem_handoff():
    """The app collects the sign-in the callback left in this browser's session, once."""
    redeemed = handoff.redeem()
    if redeemed is None:
        db.session.commit()  # the hand-off is spent even when it came too late
        raise ApiError(401, "That sign-in with your organisation has expired or was already used. "
                       "Sign in again.", "handoff_invalid")
    user, _sid = redeemed
    device_key = log_in(user)
    record("login", "user", str(user.id), user=user, detail={"method": "single_sign_on"})
    db.session.commit()
    return current_app.json.response(
        SessionSchema().dump({"user": user, "csrf_token": generate_csrf(), "device_key": device_key}))
