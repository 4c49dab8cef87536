"""Signing in with the organisation, against a real OpenID Connect provider
(the npm package oidc-provider, started by the test) and the real server, at phone size.

No token endpoint is mocked: Chromium follows every redirect, the provider's own sign-in form
is filled in, and the server swaps the code and checks the ID token against the provider's keys.
"""
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from backend.accounts.models import DeviceKey, Team, User
from backend.concerns.models import Concern
from backend.extensions import db
from backend.sso.models import SsoHandoff, SsoIdentity, SsoMapping
from tests.oidc_provider import OidcProvider
from tests.waiting import wait_until

from .conftest import DEADLINE_MS, PASSCODE, PASSWORD, PHONE, LiveServer, screenshot, serious_violations, sign_in
from .device import fill_concern, indexeddb, submit_concern

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = OidcProvider(tmp_path_factory.mktemp("oidc"))
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, provider):
    server = LiveServer(tmp_path_factory.mktemp("sso") / "sso.sqlite3", **provider.app_config())
    try:
        provider.start(server.url)
        with server.app.app_context():
            north = db.session.scalar(select(Team).filter_by(name="North"))
            db.session.add_all([
                SsoMapping(claim="role", value="SafeVisit.FieldWorker", role="field_worker"),
                SsoMapping(claim="role", value="SafeVisit.DutyManager", role="duty_manager"),
                SsoMapping(claim="team", value="grp-north", team=north),
            ])
            db.session.commit()
        yield server
    finally:
        server.stop()


@pytest.fixture
def phone(browser, sso_server, page_errors):
    context = browser.new_context(base_url=sso_server.url, **PHONE)
    page = page_errors.attach(context.new_page())
    yield page
    context.close()


def count(server, query):
    with server.app.app_context():
        return db.session.scalar(query)


def start_organisation_sign_in(page):
    page.goto("/login")
    page.get_by_role("button", name="Sign in with your organisation").click()


def provider_sign_in(page, provider, login):
    """The provider's own sign-in form (oidc-provider's development interaction)."""
    page.wait_for_url(re.compile(re.escape(provider.issuer)), timeout=DEADLINE_MS)
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the test provider checks none")
    page.get_by_role("button", name="Sign-in").click()


def set_passcode(page):
    page.get_by_role("heading", level=1, name="Set a passcode for this phone").wait_for(timeout=DEADLINE_MS)
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    page.get_by_role("button", name="Set passcode").click()


def test_a_mapped_worker_signs_in_with_their_organisation_and_sends_a_concern(phone, sso_server, provider):
    start_organisation_sign_in(phone)
    provider_sign_in(phone, provider, "ada")
    set_passcode(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Ada Field")
    expect(phone.get_by_text("Field worker · North team")).to_be_visible()
    # The device key came by a POST from the app, never in an address.
    assert not any("device" in url.lower() or "key=" in url for url in phone.evaluate(
        "performance.getEntriesByType('navigation').map((e) => e.name)"))
    screenshot(phone, "sso-worker-home")

    fill_concern(phone, "CR-SSO-1", "Met an adult online who asked to meet.")
    submit_concern(phone)
    expect(phone.locator("#outbox-count")).to_have_text("Nothing waiting to send")

    with sso_server.app.app_context():
        user = db.session.scalar(select(User).join(SsoIdentity, SsoIdentity.user_id == User.id).where(
            SsoIdentity.issuer == provider.issuer, SsoIdentity.subject == "ada"))
        assert (user.role, user.team.name, user.display_name) == ("field_worker", "North", "Ada Field")
        concern = db.session.scalar(select(Concern).filter_by(case_reference="CR-SSO-1"))
        assert concern is not None and concern.author_id == user.id
        assert db.session.scalar(select(func.count()).select_from(SsoHandoff).where(
            SsoHandoff.user_id == user.id)) == 0  # redeemed, gone


def test_a_mapped_manager_gets_the_managers_role_and_team(phone, sso_server, provider):
    start_organisation_sign_in(phone)
    provider_sign_in(phone, provider, "max")
    set_passcode(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Max Manager")
    expect(phone.get_by_text("Duty manager · North team")).to_be_visible()
    expect(phone.get_by_role("link", name="Open the concern queue")).to_be_visible()


def test_an_unmapped_person_is_refused_with_a_page_that_says_whom_to_ask(phone, sso_server, provider):
    users_before = count(sso_server, select(func.count()).select_from(User))
    handoffs_before = count(sso_server, select(func.count()).select_from(SsoHandoff))
    phone.goto("/login")
    expect(phone.get_by_role("button", name="Sign in with your organisation")).to_be_visible()
    assert serious_violations(phone) == []
    screenshot(phone, "sso-login")
    start_organisation_sign_in(phone)
    provider_sign_in(phone, provider, "zoe")
    expect(phone.get_by_role("heading", level=1)).to_have_text("SafeVisit is not set up for you yet")
    expect(phone.get_by_text("Ask the SafeVisit administrator at your council")).to_be_visible()
    expect(phone.get_by_text("Finance.Reader")).to_be_visible()  # what to tell them
    assert serious_violations(phone) == []
    screenshot(phone, "sso-refused")
    assert count(sso_server, select(func.count()).select_from(User)) == users_before
    assert count(sso_server, select(func.count()).select_from(SsoIdentity).where(SsoIdentity.subject == "zoe")) == 0
    assert count(sso_server, select(func.count()).select_from(SsoHandoff)) == handoffs_before
    # Back in the app, nobody is signed in.
    phone.get_by_role("link", name="Back to sign-in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign in to SafeVisit")


def test_a_callback_with_the_wrong_state_is_refused(phone, sso_server, provider):
    handoffs_before = count(sso_server, select(func.count()).select_from(SsoHandoff))
    start_organisation_sign_in(phone)
    phone.wait_for_url(re.compile(re.escape(provider.issuer)), timeout=DEADLINE_MS)
    phone.goto(f"{sso_server.url}/auth/oidc/callback?code=made-up&state=not-the-one-we-sent")
    expect(phone.get_by_role("heading", level=1)).to_have_text("That sign-in did not work")
    assert count(sso_server, select(func.count()).select_from(SsoHandoff)) == handoffs_before


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "sign-in was refused" in r.getMessage()]


def test_a_replayed_code_is_refused(phone, sso_server, provider, caplog):
    caplog.set_level(logging.INFO, logger="backend.sso.views")
    callbacks = []
    phone.on("request", lambda request: callbacks.append(request.url)
             if request.url.startswith(f"{sso_server.url}/auth/oidc/callback") else None)
    start_organisation_sign_in(phone)
    provider_sign_in(phone, provider, "ada")
    set_passcode(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Ada Field")
    used = callbacks[0]
    keys_before = count(sso_server, select(func.count()).select_from(DeviceKey))
    handoffs_before = count(sso_server, select(func.count()).select_from(SsoHandoff))

    # The same answer again: its state was spent with the first use.
    phone.goto(used)
    expect(phone.get_by_role("heading", level=1)).to_have_text("That sign-in did not work")
    assert "state mismatch" in refusals(caplog)[-1]

    # The old code under a fresh, valid state: the provider refuses a code used once already.
    # Start a new sign-in in this browser as the app does, but do not go to the provider (the
    # browser's cookie jar keeps the new state), so the provider never issues a new code.
    csrf = phone.context.request.get("/api/auth/session").json()["csrf_token"]
    started = phone.context.request.post("/api/auth/oidc/start", data="{}", headers={
        "X-CSRFToken": csrf, "Content-Type": "application/json"})
    assert started.status == 200
    fresh = {"url": started.json()["authorization_url"]}
    state = parse_qs(urlsplit(fresh["url"]).query)["state"][0]
    code = parse_qs(urlsplit(used).query)["code"][0]
    caplog.clear()
    phone.goto(f"/auth/oidc/callback?code={code}&state={state}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("That sign-in did not work")
    # The state was right this time: it is the provider that refused the spent code.
    assert len(refusals(caplog)) == 1 and "state mismatch" not in refusals(caplog)[0], refusals(caplog)
    assert count(sso_server, select(func.count()).select_from(SsoHandoff)) == handoffs_before
    assert count(sso_server, select(func.count()).select_from(DeviceKey)) == keys_before


def test_an_id_token_not_signed_by_the_provider_is_refused(phone, sso_server, provider, caplog):
    caplog.set_level(logging.INFO, logger="backend.sso.views")
    users_before = count(sso_server, select(func.count()).select_from(User))
    handoffs_before = count(sso_server, select(func.count()).select_from(SsoHandoff))
    provider.tamper(True)
    try:
        start_organisation_sign_in(phone)
        provider_sign_in(phone, provider, "max")
        expect(phone.get_by_role("heading", level=1)).to_have_text("That sign-in did not work")
    finally:
        provider.tamper(False)
    assert "BadSignatureError" in refusals(caplog)[-1]  # the state and code were fine
    assert count(sso_server, select(func.count()).select_from(SsoHandoff)) == handoffs_before
    assert count(sso_server, select(func.count()).select_from(User)) == users_before


def test_a_back_channel_logout_ends_the_session_and_the_phone_wipes_at_its_next_contact(phone, sso_server, provider):
    start_organisation_sign_in(phone)
    provider_sign_in(phone, provider, "ada")
    set_passcode(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Ada Field")
    fill_concern(phone, "CR-SSO-DRAFT", "A draft that must not outlive the session.")
    with sso_server.app.app_context():
        ada = db.session.scalar(select(User.id).join(SsoIdentity, SsoIdentity.user_id == User.id).where(
            SsoIdentity.subject == "ada"))
    assert count(sso_server, select(func.count()).select_from(DeviceKey).where(DeviceKey.user_id == ada)) >= 1

    # The person signs out at their organisation: the provider tells SafeVisit over the back channel.
    phone.goto(f"{provider.issuer}/session/end")
    phone.get_by_role("button", name="Yes, sign me out").click()
    wait_until(lambda: count(sso_server, select(func.count()).select_from(DeviceKey).where(
        DeviceKey.user_id == ada)) == 0, what="the back-channel logout to end ada's sessions")

    # The phone's next contact: it learns the session was ended, and forgets everything.
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign in to SafeVisit")
    expect(phone.get_by_text("removed its data from this phone")).to_be_visible()
    dump = indexeddb(phone)
    assert not any("CR-SSO-DRAFT" in row for rows in dump.values() for row in rows)
    assert dump.get("safevisit/drafts", []) == []


def test_an_admin_maps_claim_values_on_the_single_sign_on_screen(phone, sso_server):
    sign_in(phone, "admin", PASSWORD)
    phone.get_by_role("link", name="Open the admin console").click()
    phone.get_by_role("link", name=re.compile("^Single sign-on")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    expect(phone.get_by_text("SafeVisit.FieldWorker")).to_be_visible()
    role_form = phone.locator("form").filter(has=phone.get_by_role("heading", name="Map a role"))
    role_form.get_by_label("Claim value").fill("SafeVisit.Carer")
    role_form.get_by_label("SafeVisit role").select_option(label="Foster carer")
    role_form.get_by_role("button", name="Add").click()
    expect(phone.get_by_role("row", name=re.compile("SafeVisit.Carer"))).to_contain_text("Foster carer")
    # The same value twice is refused, and says why.
    role_form = phone.locator("form").filter(has=phone.get_by_role("heading", name="Map a role"))
    role_form.get_by_label("Claim value").fill("SafeVisit.Carer")
    role_form.get_by_role("button", name="Add").click()
    expect(role_form.get_by_role("alert")).to_contain_text("mapped already")
    team_form = phone.locator("form").filter(has=phone.get_by_role("heading", name="Map a team"))
    team_form.get_by_label("Claim value").fill("grp-south")
    team_form.get_by_label("SafeVisit team").select_option(label="South")
    team_form.get_by_role("button", name="Add").click()
    expect(phone.get_by_role("row", name=re.compile("grp-south"))).to_contain_text("South")
    assert serious_violations(phone) == []
    screenshot(phone, "sso-mapping", full_page=True)
    with sso_server.app.app_context():
        south = db.session.scalar(select(SsoMapping).filter_by(claim="team", value="grp-south"))
        assert south is not None and south.team.name == "South"

    phone.get_by_role("button", name="Remove SafeVisit.Carer").click()
    phone.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(phone.get_by_role("row", name=re.compile("SafeVisit.Carer"))).to_have_count(0)
    assert count(sso_server, select(func.count()).select_from(SsoMapping).where(
        SsoMapping.value == "SafeVisit.Carer")) == 0
