"""A locked phone can call for help, offline, without the passcode: 999 and the team's duty or
out-of-hours number (chosen by the clock as on the checklist). A session that ended says so on
the sign-in page, counts the drafts kept on the phone, and the passcode screen comes back after
signing in, with the drafts."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, screenshot, serious_violations, sign_in, unlock
from .device import indexeddb

pytestmark = pytest.mark.e2e
LOCKED = "SafeVisit is locked"


def set_hours(live_server, *args):
    result = live_server.app.test_cli_runner().invoke(args=["teams", "set-office-hours", "North", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture
def always_open(live_server):
    # Every day, all day: the duty desk answers whenever this runs; put back after.
    set_hours(live_server, "--days", "mon-sun", "--opens", "00:00", "--closes", "23:59")
    yield
    set_hours(live_server, "--days", "mon-fri", "--opens", "09:00", "--closes", "17:00",
              "--time-zone", "Europe/London")


def test_locked_and_offline_the_lock_screen_calls_999_and_the_duty_desk_without_unlocking(
        context, page, always_open):
    sign_in(page)
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    calls = page.get_by_role("region", name="Emergency call")
    call_999 = calls.get_by_role("link", name="Call 999")
    expect(call_999).to_have_attribute("href", "tel:999")
    expect(call_999).to_be_in_viewport()
    desk = calls.get_by_role("link", name="Call the duty desk: 0151 496 0100")
    expect(desk).to_have_attribute("href", "tel:01514960100")
    expect(desk).to_be_in_viewport()
    expect(calls).to_contain_text("No passcode needed to call.")
    # Nothing was unlocked to get here: the passcode field still waits, no data key in memory.
    expect(page.get_by_label("Passcode", exact=True)).to_be_visible()
    assert page.evaluate("import('/js/store.js').then((store) => store.isUnlocked())") is False
    # Only the team's numbers and hours are kept in clear: no name, no team, nothing else.
    kept = [row for row in indexeddb(page)["safevisit/meta"] if row.startswith("team-numbers")]
    assert len(kept) == 1 and "0151 496 0100" in kept[0]
    assert "worker" not in kept[0].lower() and "North" not in kept[0]
    assert serious_violations(page) == []
    screenshot(page, "lock-screen-emergency-call")
    with page.expect_request(lambda request: request.url.startswith("tel:")) as dialled:
        call_999.click()
    assert dialled.value.url == "tel:999"


def test_out_of_hours_the_lock_screen_offers_the_emergency_duty_team(context, page, live_server):
    # Never open: the clock always picks the out-of-hours team.
    set_hours(live_server, "--days", "mon", "--opens", "00:00", "--closes", "00:01")
    try:
        sign_in(page)
        context.set_offline(True)
        page.reload()
        calls = page.get_by_role("region", name="Emergency call")
        expect(calls.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
        out = calls.get_by_role("link", name=re.compile("Call the out-of-hours team"))
        expect(out).to_have_attribute("href", "tel:01514960900")
        expect(calls.get_by_role("link", name=re.compile("duty desk"))).to_have_count(0)
    finally:
        set_hours(live_server, "--days", "mon-fri", "--opens", "09:00", "--closes", "17:00",
                  "--time-zone", "Europe/London")


def test_a_session_that_ended_says_so_and_the_passcode_brings_the_drafts_back(context, page):
    sign_in(page)
    for reference in ("CR-ENDED-1", "CR-ENDED-2"):
        page.get_by_role("link", name="Start a home-visit checklist").click()
        page.get_by_label("Case reference").fill(reference)
        expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    context.clear_cookies()  # the session's lifetime ran out on the server
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    notice = page.get_by_role("status").filter(has_text="Your session ended")
    expect(notice).to_have_text("Your session ended — sign in to send. 2 drafts are safe on this phone.")
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    unlock(page)  # the passcode screen comes back: the drafts are still sealed with it
    drafts = page.get_by_role("region", name="My drafts")
    expect(drafts).to_contain_text("CR-ENDED-1")
    expect(drafts).to_contain_text("CR-ENDED-2")


def test_at_320_px_with_200_percent_text_the_lock_screen_reflows_and_999_stays_in_view(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640},
                                  is_mobile=True, has_touch=True, device_scale_factor=2, locale="en-GB",
                                  timezone_id="Europe/London")
    try:
        page = context.new_page()
        sign_in(page)
        context.set_offline(True)
        page.reload()
        expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
        page.evaluate("document.documentElement.style.fontSize = '200%'")  # text-only zoom
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth]")
        assert widths == [320, 320, 320], f"horizontal scroll: {widths}"
        call = page.get_by_role("region", name="Emergency call").get_by_role("link", name="Call 999")
        call.scroll_into_view_if_needed()
        box = call.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
        expect(call).to_be_in_viewport()
    finally:
        context.close()
