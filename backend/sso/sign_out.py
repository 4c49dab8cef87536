"""RP-initiated logout: signing out of SafeVisit signs out at the provider too, when it can.

Without it, the next "Sign in with your organisation" on a shared tablet signs the previous
person straight back in, because the provider still has their session. The app sends the
browser to the provider's end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0) with
the ID token of this sign-in as id_token_hint, and the provider sends it back to /login.
"""
from urllib.parse import urlencode

import requests
from flask import current_app, session

from . import client as oidc
from .handoff import ID_TOKEN_KEY


def on_signing_out(_user, **_) -> str | None:
    return url()


def url() -> str | None:
    """Where to send the browser after SafeVisit's own sign-out; None if nowhere. Read before
    the session is cleared."""
    id_token = session.get(ID_TOKEN_KEY)
    if not oidc.enabled() or not isinstance(id_token, str):
        return None
    try:
        endpoint = oidc.client().load_server_metadata().get("end_session_endpoint")
    except requests.RequestException:
        return None  # SafeVisit's sign-out stands on its own
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    from .views import public_url
    query = urlencode({"id_token_hint": id_token, "client_id": current_app.config["OIDC_CLIENT_ID"],
                       "post_logout_redirect_uri": public_url("/login")})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
