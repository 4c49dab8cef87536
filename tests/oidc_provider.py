"""A genuine OpenID Connect provider for the tests: the npm package `oidc-provider`, run by Node.

The test writes its configuration (clients, accounts and their claims, signing keys), starts
e2e/oidc/provider.mjs on a free loopback port, waits for its discovery document on a deadline,
and stops it in teardown. `make test-deps` installs the package (npm ci in e2e/oidc).
"""
import json
import secrets
import socket
import subprocess
import time
from pathlib import Path

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.waiting import stop_process, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "e2e" / "oidc" / "provider.mjs"
CLIENT_ID = "safevisit"
CLIENT_SECRET = "safevisit-test-client-secret-long-enough"
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

# People at the "council": their app roles and groups, as Entra ID would send them.
ACCOUNTS = {
    "ada": {"name": "Ada Field", "preferred_username": "ada@council.example",
            "roles": ["SafeVisit.FieldWorker"], "groups": ["grp-north"]},
    "max": {"name": "Max Manager", "preferred_username": "max@council.example",
            "roles": ["SafeVisit.DutyManager", "Staff"], "groups": ["grp-north"]},
    "zoe": {"name": "Zoe Unmapped", "preferred_username": "zoe@council.example",
            "roles": ["Finance.Reader"], "groups": ["grp-finance"]},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


class OidcProvider:
    """One provider process. Made first (SafeVisit's settings need its issuer), then started
    with SafeVisit's origin (its redirect and back-channel logout URIs)."""

    def __init__(self, workdir: Path, trailing_slash: bool = False, userinfo_only: bool = False):
        self.userinfo_only = userinfo_only
        self.workdir = workdir
        self.port = free_port()
        # Auth0 states its issuer with a trailing "/", and its tokens carry it so.
        self.issuer = f"http://127.0.0.1:{self.port}" + ("/" if trailing_slash else "")
        self.key = signing_key("test-signing-key")
        # Same kid, never published: what a forger would sign with (provider.mjs /test/tamper).
        self.rogue_key = signing_key("test-signing-key")
        self.process = None

    def start(self, app_url: str, accounts: dict | None = None) -> "OidcProvider":
        config = {
            "port": self.port, "issuer": self.issuer, "cookie_secret": secrets.token_hex(16),
            "keys": [self.key.as_dict(private=True)],
            "rogue_key": self.rogue_key.as_dict(private=True),
            "clients": [{
                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{app_url}/auth/oidc/callback"],
                "post_logout_redirect_uris": [f"{app_url}/login"],
                "backchannel_logout_uri": f"{app_url}/auth/oidc/backchannel-logout",
                "backchannel_logout_session_required": True,
                "grant_types": ["authorization_code"], "response_types": ["code"],
            }],
            "accounts": accounts or ACCOUNTS,
            # Claims at the userinfo endpoint only, none in the ID token.
            "userinfo_only": self.userinfo_only,
        }
        self.config_path = self.workdir / "oidc-provider.json"
        self.config_path.write_text(json.dumps(config), encoding="utf-8")
        self.log_path = self.workdir / "oidc-provider.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(["node", str(SCRIPT), str(self.config_path)], cwd=SCRIPT.parent,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_for_http(self.issuer.rstrip("/") + "/.well-known/openid-configuration", process=self.process)
        except BaseException:
            self.stop()
            raise
        return self

    def app_config(self) -> dict:
        """SafeVisit's settings for this provider (what SAFEVISIT_OIDC_* would give)."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_ROLE_CLAIM": "roles", "OIDC_TEAM_CLAIM": "groups",
                "OIDC_HELP_CONTACT": "the SafeVisit administrator at your council"}

    def tamper(self, on: bool) -> None:
        """From now on the provider's ID tokens are re-signed by a key it never published."""
        requests.post(f"{self.issuer.rstrip('/')}/test/tamper?on={int(on)}", timeout=30).raise_for_status()

    def without_id_token(self, on: bool) -> None:
        """From now on token responses have no ID token, only a raw "userinfo" (naming max)."""
        requests.post(f"{self.issuer.rstrip('/')}/test/no-id-token?on={int(on)}", timeout=30).raise_for_status()

    def assurance(self, acr: str | None = None, amr: list[str] | None = None) -> None:
        """From now on the provider's ID tokens say this about how the person signed in."""
        query = {"acr": acr or "", "amr": ",".join(amr or [])}
        requests.post(f"{self.issuer.rstrip('/')}/test/assurance", params=query, timeout=30).raise_for_status()

    def logout_token(self, *, key: RSAKey | None = None, header: dict | None = None, **claims) -> str:
        """A logout token as the provider would sign it; keyword arguments override claims
        (None removes one)."""
        now = int(time.time())
        body = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 120,
                "jti": secrets.token_hex(8), "events": {LOGOUT_EVENT: {}}}
        body.update(claims)
        body = {name: value for name, value in body.items() if value is not None}
        head = {"alg": "RS256", "kid": "test-signing-key", "typ": "logout+jwt", **(header or {})}
        return jwt.encode({k: v for k, v in head.items() if v is not None}, body, key or self.key)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def apps_made_by(make_app, migrated_template, tmp_path):
    """The body of an `app_factory` fixture: `make(provider, **config)` builds an app with
    `make_app` in a folder of its own; every app's connections are closed afterwards
    (PostgreSQL counts them)."""
    from backend.extensions import db

    made = []

    def make(provider, **extra):
        where = tmp_path / f"app{len(made)}"
        where.mkdir()
        made.append(make_app(migrated_template, where, provider, **extra))
        return made[-1]
    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
