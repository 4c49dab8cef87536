"""A sign-in with the organisation starts only from the app (POST, CSRF), keeps its state in a
cookie of its own and leaves an existing session alone; claims are read by dotted path; managers
and admins may be required to show a second factor (acr/amr); signing out reaches the
provider's end_session_endpoint; the redirect URI comes from SAFEVISIT_PUBLIC_URL."""
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from backend import create_app
from backend.accounts.models import Team, User
from backend.extensions import db
from backend.sso import claims_source, handoff, mapping, people
from backend.sso.models import SsoHandoff
from tests.conftest import DEMO_PASSWORD, ApiClient, _fresh_database, base_config
from tests.oidc_provider import OidcProvider, apps_made_by


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = OidcProvider(tmp_path_factory.mktemp("oidc")).start("http://127.0.0.1:9")
    yield provider
    provider.stop()


def make_app(migrated_template, tmp_path, provider, **extra):
    app = create_app({**base_config(_fresh_database(migrated_template, tmp_path)), **provider.app_config(), **extra})
    with app.app_context():
        from backend.accounts.demo import seed_demo
        seed_demo(DEMO_PASSWORD)
    return app


@pytest.fixture
def app_factory(migrated_template, tmp_path):
    yield from apps_made_by(make_app, migrated_template, tmp_path)


@pytest.fixture
def sso_app(app_factory, provider):
    return app_factory(provider)


def test_a_link_to_the_old_start_page_changes_nothing_for_a_signed_in_browser(sso_app):
    api = ApiClient(sso_app.test_client())
    assert api.login("worker").status_code == 200
    page = api.client.get("/auth/oidc/login")
    assert page.status_code == 303 and page.headers["Location"] == "/login"
    assert "Set-Cookie" not in page.headers  # the session is not re-issued, the idle limit still bites
    assert api.get("/api/concerns").status_code == 200  # and the device key still works


def test_starting_needs_the_csrf_token_and_touches_no_session(sso_app, provider):
    api = ApiClient(sso_app.test_client())
    assert api.login("worker").status_code == 200
    refused = api.client.post("/api/auth/oidc/start", json={})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "csrf_failed"
    # From the sign-in page, which holds no device key: only the state cookie is set.
    key, api.device_key = api.device_key, None
    started = api.post("/api/auth/oidc/start")
    api.device_key = key
    assert started.status_code == 200
    cookies = started.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("safevisit_oidc_state=")
    assert "HttpOnly" in cookies[0] and "Path=/auth/oidc" in cookies[0] and "Max-Age=600" in cookies[0]
    assert api.get("/api/concerns").status_code == 200
    query = parse_qs(urlsplit(started.json["authorization_url"]).query)
    assert "prompt" not in query
    assert query["redirect_uri"] == ["http://localhost/auth/oidc/callback"]


def test_the_redirect_uri_comes_from_the_public_url_not_the_host_header(app_factory, provider):
    app = app_factory(provider, PUBLIC_URL="https://safevisit.council.example",
                   OIDC_PROMPT_LOGIN=True)
    api = ApiClient(app.test_client())
    api.refresh_csrf()
    started = api.post("/api/auth/oidc/start")  # the request came to http://localhost
    query = parse_qs(urlsplit(started.json["authorization_url"]).query)
    assert query["redirect_uri"] == ["https://safevisit.council.example/auth/oidc/callback"]
    assert query["prompt"] == ["login"]


def test_a_callback_without_this_browsers_state_cookie_is_refused(sso_app):
    answer = sso_app.test_client().get("/auth/oidc/callback?code=x&state=y")
    assert answer.status_code == 400 and "did not work" in answer.get_data(as_text=True)


@pytest.mark.parametrize("claims, name, found", [
    ({"realm_access": {"roles": ["a", "b"]}}, "realm_access.roles", ["a", "b"]),
    ({"https://safevisit.example/roles": ["x"]}, "https://safevisit.example/roles", ["x"]),
    ({"groups": ["/North", "/North/Fostering"]}, "groups", ["/North", "/North/Fostering"]),
    ({"realm_access": ["not-a-dict"]}, "realm_access.roles", []),
    ({}, "realm_access.roles", []),
])
def test_claims_are_read_by_top_level_name_or_dotted_path_and_values_as_given(claims, name, found):
    assert mapping.values(claims, name) == found


@pytest.mark.parametrize("settings, role, claims, proven", [
    ({}, "duty_manager", {}, True),
    ({"OIDC_MFA_AMR": "mfa,otp"}, "duty_manager", {"amr": ["pwd"]}, False),
    ({"OIDC_MFA_AMR": "mfa,otp"}, "admin", {"amr": ["pwd", "otp"]}, True),
    ({"OIDC_MFA_AMR": "mfa"}, "field_worker", {"amr": ["pwd"]}, True),  # only managers and admins
    ({"OIDC_REQUIRED_ACR": "urn:council:mfa"}, "admin", {"acr": "urn:council:pwd"}, False),
    ({"OIDC_REQUIRED_ACR": "urn:council:mfa"}, "admin", {"acr": "urn:council:mfa"}, True),
    ({"OIDC_REQUIRED_ACR": "silver", "OIDC_MFA_AMR": "mfa"}, "duty_manager", {"amr": "mfa"}, False),
])
def test_managers_and_admins_must_show_a_second_factor_when_required(sso_app, settings, role, claims, proven):
    with sso_app.test_request_context():
        sso_app.config.update(settings)
        assert claims_source.second_factor_proven(role, claims) is proven


def test_signing_out_after_an_organisation_sign_in_points_to_the_providers_end_session(sso_app, provider):
    with sso_app.app_context():
        north = db.session.scalar(select(Team).filter_by(name="North"))
        user = people.upsert(provider.issuer, {"sub": "ada", "name": "Ada"}, "field_worker", north)
        db.session.commit()
        username = user.username
    # The hand-off as the callback leaves it, with the ID token of the sign-in.
    with sso_app.app_context():
        db.session.add(SsoHandoff(token_hash=hashlib.sha256(b"t").hexdigest(),
                                  user_id=db.session.scalar(select(User.id).filter_by(username=username))))
        db.session.commit()
    client = sso_app.test_client()
    with client.session_transaction() as stored:
        stored[handoff.SESSION_KEY] = "t"
        stored[handoff.ID_TOKEN_KEY] = "header.payload.signature"
    api = ApiClient(client)
    api.refresh_csrf()
    redeemed = api.post("/api/auth/oidc/handoff")
    assert redeemed.status_code == 200, redeemed.json
    api.csrf, api.device_key = redeemed.json["csrf_token"], redeemed.json["device_key"]
    out = api.post("/api/auth/logout")
    assert out.status_code == 200
    target = urlsplit(out.json["organisation_sign_out_url"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.issuer + "/session/end"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == ["header.payload.signature"]
    assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
    # A password sign-in has nothing to sign out of at the provider.
    local = ApiClient(sso_app.test_client())
    assert local.login("worker").status_code == 200
    assert local.post("/api/auth/logout").json == {"ok": True}
