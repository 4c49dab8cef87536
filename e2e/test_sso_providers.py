"""Signing in with the organisation as real providers shape it, at phone size, against the real
oidc-provider (tests/oidc_provider.py) and the real server:

- Keycloak: roles at `realm_access.roles`, groups as paths (`/North`), managers required to
  have used a second factor (`amr`); signing out of SafeVisit signs out at the provider too
  (its end_session_endpoint), so the next person on the tablet must sign in afresh.
- Auth0-style issuer with a trailing "/", claims only at the userinfo endpoint, and
  SAFEVISIT_OIDC_PROMPT_LOGIN (prompt=login) for shared devices.
"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.accounts.models import Team, User
from backend.extensions import db
from backend.sso.models import SsoIdentity, SsoMapping
from tests.oidc_provider import OidcProvider

from .conftest import DEADLINE_MS, PHONE, LiveServer, screenshot
from .test_single_sign_on import provider_sign_in, set_passcode

pytestmark = pytest.mark.e2e

KEYCLOAK_PEOPLE = {
    "kit": {"name": "Kit Worker", "preferred_username": "kit", "groups": ["/North"],
            "realm_access": {"roles": ["offline_access", "safevisit-worker"]}},
    "mo": {"name": "Mo Manager", "preferred_username": "mo", "groups": ["/North", "/Staff"],
           "realm_access": {"roles": ["safevisit-manager"]}},
}


def mapped(server, role_values: dict, team_value: str):
    with server.app.app_context():
        north = db.session.scalar(select(Team).filter_by(name="North"))
        db.session.add_all([SsoMapping(claim="role", value=v, role=r) for v, r in role_values.items()]
                           + [SsoMapping(claim="team", value=team_value, team=north)])
        db.session.commit()


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory):
    provider = OidcProvider(tmp_path_factory.mktemp("keycloak"))
    server = LiveServer(tmp_path_factory.mktemp("kc") / "kc.sqlite3", **{
        **provider.app_config(), "OIDC_ROLE_CLAIM": "realm_access.roles", "OIDC_TEAM_CLAIM": "groups",
        "OIDC_MFA_AMR": "otp,mfa,hwk"})
    try:
        provider.start(server.url, accounts=KEYCLOAK_PEOPLE)
        mapped(server, {"safevisit-worker": "field_worker", "safevisit-manager": "duty_manager"}, "/North")
        yield provider, server
    finally:
        server.stop()
        provider.stop()


@pytest.fixture(scope="module")
def auth0_like(tmp_path_factory):
    provider = OidcProvider(tmp_path_factory.mktemp("auth0"), trailing_slash=True, userinfo_only=True)
    server = LiveServer(tmp_path_factory.mktemp("a0") / "a0.sqlite3", **{
        **provider.app_config(), "OIDC_PROMPT_LOGIN": True})
    try:
        provider.start(server.url)
        mapped(server, {"SafeVisit.FieldWorker": "field_worker"}, "grp-north")
        yield provider, server
    finally:
        server.stop()
        provider.stop()


def phone_for(browser, server, page_errors):
    context = browser.new_context(base_url=server.url, **PHONE)
    return context, page_errors.attach(context.new_page())


def start(page):
    page.goto("/login")
    page.get_by_role("button", name="Sign in with your organisation").click()


def person(server, subject):
    with server.app.app_context():
        return db.session.scalar(select(User).join(SsoIdentity, SsoIdentity.user_id == User.id)
                                 .where(SsoIdentity.subject == subject))


def test_keycloak_realm_roles_and_group_paths_sign_a_worker_in_and_sign_out_reaches_the_provider(
        browser, keycloak, page_errors):
    provider, server = keycloak
    context, page = phone_for(browser, server, page_errors)
    try:
        start(page)
        provider_sign_in(page, provider, "kit")
        set_passcode(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Kit Worker")
        expect(page.get_by_text("Field worker · North team")).to_be_visible()
        assert person(server, "kit").role == "field_worker"

        # Signing out of SafeVisit goes on to the provider's end_session_endpoint with the hint.
        ends = []
        page.on("request", lambda r: ends.append(r.url) if "/session/end" in r.url else None)
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("dialog").get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(re.escape(provider.issuer) + "/session/end"), timeout=DEADLINE_MS)
        query = parse_qs(urlsplit(ends[0]).query)
        assert query["id_token_hint"][0].count(".") == 2
        assert query["post_logout_redirect_uri"] == [f"{server.url}/login"]
        page.get_by_role("button", name="Yes, sign me out").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to SafeVisit")

        # The next person on this tablet: the provider asks who they are, it does not sign kit in.
        start(page)
        page.wait_for_url(re.compile(re.escape(provider.issuer)), timeout=DEADLINE_MS)
        expect(page.locator("input[name=login]")).to_be_visible()
        screenshot(page, "sso-signed-out-at-provider")
    finally:
        context.close()


def test_a_manager_without_a_second_factor_at_the_provider_is_refused_and_with_one_gets_in(
        browser, keycloak, page_errors):
    provider, server = keycloak
    context, page = phone_for(browser, server, page_errors)
    try:
        provider.assurance(acr="0", amr=["pwd"])
        start(page)
        provider_sign_in(page, provider, "mo")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your second factor")
        assert person(server, "mo") is None  # nothing created for a refused sign-in
    finally:
        context.close()
    context, page = phone_for(browser, server, page_errors)
    try:
        provider.assurance(acr="1", amr=["pwd", "otp"])
        start(page)
        provider_sign_in(page, provider, "mo")
        set_passcode(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Mo Manager")
        expect(page.get_by_text("Duty manager · North team")).to_be_visible()
    finally:
        provider.assurance()
        context.close()


def test_auth0_style_issuer_claims_only_at_userinfo_and_prompt_login(browser, auth0_like, page_errors):
    provider, server = auth0_like
    assert provider.issuer.endswith("/") and server.app.config["OIDC_ISSUER"] == provider.issuer
    context, page = phone_for(browser, server, page_errors)
    authorizations = []
    page.on("request", lambda r: authorizations.append(r.url) if r.url.startswith(provider.issuer + "auth?") else None)
    try:
        start(page)
        provider_sign_in(page, provider, "ada")
        set_passcode(page)
        # The ID token carried no roles or groups: they came from the userinfo endpoint.
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada Field")
        expect(page.get_by_text("Field worker · North team")).to_be_visible()
        assert parse_qs(urlsplit(authorizations[0]).query)["prompt"] == ["login"]

        # The provider still has ada's session; with prompt=login it asks again all the same.
        other = context.new_page()
        csrf = context.request.get("/api/auth/session").json()["csrf_token"]
        started = context.request.post("/api/auth/oidc/start", data="{}", headers={
            "X-CSRFToken": csrf, "Content-Type": "application/json"})
        other.goto(started.json()["authorization_url"])
        expect(other.locator("input[name=login]")).to_be_visible()
    finally:
        context.close()


def test_a_token_answer_without_an_id_token_signs_nobody_in(browser, auth0_like, page_errors):
    provider, server = auth0_like
    context, page = phone_for(browser, server, page_errors)
    provider.without_id_token(True)
    try:
        start(page)
        provider_sign_in(page, provider, "ada")
        expect(page.get_by_role("heading", level=1)).to_have_text("That sign-in did not work")
        assert person(server, "max") is None
    finally:
        provider.without_id_token(False)
        context.close()
