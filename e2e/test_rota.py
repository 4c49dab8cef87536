"""On call, in the browser at phone size: a duty manager edits the team's rota (adds a shift,
sees a refused overlap explained, removes a shift) and sees who an alert goes to now; and
verifies a mobile number with the code texted to it.

The server here has SMS on, pointed at the local GOV.UK Notify stand-in of
tests/notify_support.py (the real Notify is unreachable from the tests); the code the manager
types is read from the request that stand-in received.
"""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.notify_support import NotifyReceiver, sms_config

from .conftest import PHONE, LiveServer, screenshot, serious_violations, sign_in

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def notify_stand_in():
    server = NotifyReceiver()
    yield server
    server.close()


@pytest.fixture(scope="module")
def rota_server(tmp_path_factory, notify_stand_in):
    """A server of its own: the rota it gets changes who other journeys' alerts go to."""
    server = LiveServer(tmp_path_factory.mktemp("e2e-rota") / "rota.sqlite3", **sms_config(notify_stand_in.url))
    yield server
    server.stop()


@pytest.fixture
def phone(browser, rota_server, page_errors):
    context = browser.new_context(base_url=rota_server.url, **PHONE)
    yield page_errors.attach(context.new_page())
    context.close()


def local(delta: dt.timedelta) -> str:
    return (dt.datetime.now(LONDON) + delta).strftime("%Y-%m-%dT%H:%M")


def open_on_call(page):
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    page.get_by_role("link", name="On call: rota and text alerts").click()
    expect(page.get_by_role("heading", level=1, name="On call")).to_be_visible()


def test_a_manager_edits_the_rota_on_a_phone(phone):
    page = phone
    open_on_call(page)
    expect(page.locator("#on-call-primary")).to_have_text("Nobody on the rota")
    expect(page.locator("#on-call-fallback")).to_contain_text("every manager of the team")
    expect(page.locator("#escalation-chain")).to_contain_text("After 10 minutes: the secondary on call")
    assert serious_violations(page) == []

    page.get_by_label("Starts").fill(local(-dt.timedelta(hours=1)))
    page.get_by_label("Ends").fill(local(dt.timedelta(hours=8)))
    page.get_by_label("Primary").select_option(label="Morgan Manager")
    page.get_by_role("button", name="Add shift").click()
    shifts = page.locator("#shift-list .shift")
    expect(shifts).to_have_count(1)
    expect(shifts.first).to_contain_text("Primary: Morgan Manager")
    expect(shifts.first).to_contain_text(re.compile(r"GMT|BST"))  # the team's local time, labelled
    expect(page.locator("#on-call-primary")).to_have_text("Morgan Manager")
    expect(page.locator("#on-call-alerted")).to_contain_text("Morgan Manager")
    expect(page.locator("#on-call-fallback")).to_have_count(0)

    # A second primary at the same time is refused, with the reason, and nothing changes.
    page.get_by_label("Starts").fill(local(dt.timedelta(hours=2)))
    page.get_by_label("Ends").fill(local(dt.timedelta(hours=10)))
    page.get_by_role("button", name="Add shift").click()
    expect(page.locator("#rota-errors")).to_contain_text("only one primary can be on call at a time")
    expect(page.locator("#rota-errors")).to_contain_text("The new shift")
    expect(shifts).to_have_count(1)
    screenshot(page, "on-call-rota-refused-overlap", full_page=True)
    assert serious_violations(page) == []

    page.get_by_role("button", name="Remove shift 1").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove shift").click()
    expect(page.locator("#shift-list-empty")).to_have_text("No shifts planned.")
    expect(page.locator("#on-call-primary")).to_have_text("Nobody on the rota")


def test_an_admin_chooses_the_team_whose_rota_to_see(phone):
    """Admins may read and write any team's rota (the API); on the phone they pick the team."""
    page = phone
    sign_in(page, "admin")
    page.get_by_role("link", name="Open the concern queue").click()
    page.get_by_role("link", name="On call: rota and text alerts").click()
    expect(page.get_by_role("heading", level=1, name="On call")).to_be_visible()
    page.get_by_label("Team").select_option(label="South")
    expect(page.get_by_role("heading", name=re.compile(r"^Shifts \(South,"))).to_be_visible()
    expect(page.get_by_label("Primary").locator("option", has_text="Max Manager")).to_have_count(1)
    expect(page.get_by_label("Primary").locator("option", has_text="Morgan Manager")).to_have_count(0)
    assert serious_violations(page) == []


def test_a_manager_verifies_a_mobile_number(phone, notify_stand_in):
    page = phone
    open_on_call(page)
    card = page.locator("#mobile")
    expect(card.locator("#mobile-state")).to_have_text("No mobile number yet. Alerts come by push only.")
    before = len(notify_stand_in.received)
    card.get_by_label("Mobile number").fill("07700 900123")
    card.get_by_role("button", name="Text me a code").click()
    code_box = card.get_by_label(re.compile("The 6-digit code sent to"))
    expect(code_box).to_be_visible()
    [sms] = notify_stand_in.wait_for(before + 1)[before:]
    assert sms.json["phone_number"] == "+447700900123"
    code = notify_stand_in.codes()[-1]

    wrong = "000000" if code != "000000" else "111111"
    code_box.fill(wrong)
    card.get_by_role("button", name="Verify").click()
    expect(card.locator("#mobile-error")).to_contain_text("That code is not right")
    card.get_by_label(re.compile("The 6-digit code sent to")).fill(code)
    card.get_by_role("button", name="Verify").click()
    expect(card.locator("#mobile-state")).to_contain_text("Verified: +44 7••• ••• 123")
    screenshot(page, "on-call-mobile-verified")
    assert serious_violations(page) == []
