"""Where a sign-in with the organisation keeps its state between leaving and coming back.

Authlib would keep the state, the PKCE verifier and the nonce in the session cookie, so that
starting a sign-in rewrote the session: a link to the start page re-issued the cookie of
whoever followed it (the idle limit never bit) and retired their device key. Here they live
in a cookie of their own: signed, HttpOnly, sent only to /auth/oidc, gone after ten minutes
and deleted by the callback, which is the only reader. The session is not touched until the
sign-in has succeeded.
"""
import hmac

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "safevisit_oidc_state"
PATH = "/auth/oidc"
MAX_AGE = 600  # the time to sign in at the provider


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="safevisit-oidc-state")


def store(response, data: dict) -> None:
    response.set_cookie(COOKIE, _serializer().dumps(data), max_age=MAX_AGE, path=PATH, httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"],
                        # Lax: it must come back on the provider's top-level redirect to the callback.
                        samesite="Lax")


def take(response) -> dict | None:
    """This browser's sign-in state if the callback's `state` is the one it was sent with."""
    response.delete_cookie(COOKIE, path=PATH, secure=current_app.config["SESSION_COOKIE_SECURE"],
                           httponly=True, samesite="Lax")
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 4096:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    state = request.args.get("state")
    if (not isinstance(data, dict) or not isinstance(data.get("state"), str) or not isinstance(state, str)
            or not hmac.compare_digest(data["state"].encode(), state.encode())):
        return None
    return data
