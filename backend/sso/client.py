"""The OpenID Connect client (Authlib), one per app, built from the SAFEVISIT_OIDC_* settings."""
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

NAME = "organisation"
# Outgoing calls to the provider (discovery, keys, token): a slow provider fails the sign-in
# with a page that says so rather than holding a worker for ever.
TIMEOUT_SECONDS = 10


def enabled(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("OIDC_ISSUER"))


def init_app(app: Flask) -> None:
    if not enabled(app):
        return
    oauth = OAuth(app)  # per app: tests build apps against different providers
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        # Discovery appends to the issuer without doubling its slash (OpenID Connect Discovery 4).
        server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        # PKCE (S256) on top of the client secret; Authlib makes and keeps the verifier per sign-in
        # (with the state and the nonce) in the session cookie, which is SameSite=Lax so that it
        # comes back on the provider's redirect to the callback.
        client_kwargs={"scope": "openid profile", "code_challenge_method": "S256",
                       "default_timeout": TIMEOUT_SECONDS},
    )
    app.extensions["safevisit_oidc"] = oauth


def client():
    return current_app.extensions["safevisit_oidc"].create_client(NAME)
