"""`/auth/oidc`: the pages of a sign-in with the organisation, and back-channel logout.

Outside /api on purpose: the browser navigates to these (the API refuses navigations), and
the provider posts logout tokens here from its own server (no session, no CSRF token).
`/api/auth/oidc/handoff` is the app's half: it redeems the sign-in for a session and key.
"""
import logging

import requests
from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, current_app, request, session, url_for
from flask_wtf.csrf import generate_csrf
from joserfc.errors import JoseError

from ..accounts import events as account_events
from ..accounts.schemas import SessionSchema
from ..accounts.sessions import log_in
from ..api import declare
from ..audit.log import record
from ..errors import ApiError
from ..extensions import csrf, db, limiter
from . import claims_source, client as oidc, handoff, logout, mapping, pages, people, sign_out, state_cookie
from .schemas import StartSchema

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__, url_prefix="/auth/oidc")
api_bp = Blueprint("sso_api", __name__, url_prefix="/api/auth/oidc")
# Signing out of SafeVisit signs out at the provider too (RP-initiated logout), when it can.
account_events.signing_out.connect(sign_out.on_signing_out, weak=False)


@bp.get("/login")
def login_page():
    if not oidc.enabled():
        return pages.not_configured()
    # A sign-in starts only from the app (a POST with its CSRF token): a link from elsewhere
    # lands on the sign-in page and changes nothing, the session cookie included.
    return current_app.redirect("/login", code=303)


@api_bp.post("/start")
@declare("Start a sign-in with the organisation: where to send the browser",
         answers=StartSchema, errors=[403, 404, 503])
def start_sign_in():
    """The app asks where to send the browser; the state goes in its own short-lived cookie."""
    if not oidc.enabled():
        raise ApiError(404, "Single sign-on is not set up.")
    extra = {"prompt": "login"} if current_app.config.get("OIDC_PROMPT_LOGIN") else {}
    redirect_uri = public_url(url_for("sso.callback"))
    try:
        found = oidc.client().create_authorization_url(redirect_uri, **extra)
    except requests.RequestException:
        log.warning("the OpenID Connect provider's metadata could not be fetched")
        raise ApiError(503, "Your organisation's sign-in service cannot be reached. Try again in a few "
                       "minutes.", "provider_unavailable") from None
    response = current_app.json.response(StartSchema().dump({"authorization_url": found["url"]}))
    response.headers["Cache-Control"] = "no-store"
    state_cookie.store(response, {"state": found["state"], "nonce": found.get("nonce"),
                                  "code_verifier": found.get("code_verifier"), "redirect_uri": redirect_uri})
    return response


def public_url(path: str) -> str:
    """An address of ours as the provider must see it: from SAFEVISIT_PUBLIC_URL when it is
    set, rather than from the request's Host header (which whoever sends the request chooses)."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")) + path


def _signed_in_claims(data: dict) -> tuple[dict, str] | None:
    """The verified claims of this callback and its ID token, or None when it must be refused."""
    if request.args.get("error") or not isinstance(request.args.get("code"), str):
        return None
    provider = oidc.client()
    # Swaps the code (with the PKCE verifier) at the token endpoint.
    token = provider.fetch_access_token(code=request.args["code"], redirect_uri=data["redirect_uri"],
                                        code_verifier=data.get("code_verifier"))
    if not isinstance(token.get("id_token"), str):
        return None  # no ID token, so nothing vouched for who this is (its raw userinfo counts for nothing)
    # The ID token: signature from the provider's JWKS, issuer, audience, expiry and this sign-in's nonce.
    claims = dict(provider.parse_id_token(token, nonce=data.get("nonce")))
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return None
    return claims_source.complete(provider, token, claims), token["id_token"]


@bp.get("/callback")
def callback():
    if not oidc.enabled():
        return pages.not_configured()
    cleared = current_app.response_class()
    data = state_cookie.take(cleared)
    if data is None:
        log.info("an OpenID Connect sign-in was refused: state mismatch (not started from this browser, "
                 "used already or too old)")
        return _with_cookie_cleared(pages.failed(), cleared)
    try:
        signed_in = _signed_in_claims(data)
    except requests.RequestException:
        log.warning("the OpenID Connect provider did not answer the code exchange")
        return _with_cookie_cleared(pages.unavailable(), cleared)
    except (AuthlibBaseError, JoseError, ValueError) as error:
        log.info("an OpenID Connect sign-in was refused: %s", error.__class__.__name__)
        return _with_cookie_cleared(pages.failed(), cleared)
    if signed_in is None:
        return _with_cookie_cleared(pages.failed(), cleared)
    return _with_cookie_cleared(_admit(*signed_in), cleared)


def _with_cookie_cleared(response, cleared):
    for header in cleared.headers.getlist("Set-Cookie"):
        response.headers.add("Set-Cookie", header)
    return response


def _admit(claims: dict, id_token: str):
    outcome = mapping.resolve(claims)
    if outcome.reason:
        # Nothing is created for a person SafeVisit has no place for; the audit says someone tried.
        record("sso_refused", "sso", claims["sub"][:64], detail={"reason": outcome.reason})
        db.session.commit()
        return pages.not_mapped(outcome.reason, outcome.role_values, outcome.team_values)
    if not claims_source.second_factor_proven(outcome.role, claims):
        record("sso_refused", "sso", claims["sub"][:64], detail={"reason": "no second factor at the provider"})
        db.session.commit()
        return pages.second_factor_missing()
    user = people.upsert(current_app.config["OIDC_ISSUER"], claims, outcome.role, outcome.team)
    if user is None:
        db.session.commit()
        return pages.deactivated()
    handoff.prune()
    handoff.start(user, claims.get("sid") if isinstance(claims.get("sid"), str) else None, id_token)
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
@declare("Collect a sign-in with the organisation: the session and its device key, once",
         answers=SessionSchema, errors=[401, 403])
def redeem_handoff():
    """The app collects the sign-in the callback left in this browser's session, once."""
    redeemed = handoff.redeem()
    if redeemed is None:
        db.session.commit()  # the hand-off is spent even when it came too late
        raise ApiError(401, "That sign-in with your organisation has expired or was already used. "
                       "Sign in again.", "handoff_invalid")
    user, _sid, id_token = redeemed
    device_key = log_in(user)
    if id_token:
        # For signing out at the provider too (RP-initiated logout: id_token_hint).
        session[handoff.ID_TOKEN_KEY] = id_token
    record("login", "user", str(user.id), user=user, detail={"method": "single_sign_on"})
    db.session.commit()
    return current_app.json.response(
        SessionSchema().dump({"user": user, "csrf_token": generate_csrf(), "device_key": device_key}))
