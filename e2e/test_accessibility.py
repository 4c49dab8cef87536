"""WCAG 2.2 AA checks with axe-core on every screen, at phone size and at 320 px wide.
Each screen is also photographed for artifacts/screenshots/."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSCODE, PASSWORD, screenshot, serious_violations, sign_in, wait_for_offline_ready

pytestmark = pytest.mark.e2e


def check(page, name):
    screenshot(page, name)
    assert serious_violations(page) == [], name


def test_login_screen(page):
    page.goto("/login")
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    check(page, "login")
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Password")).to_be_focused()
    check(page, "login-error")


def test_home_checklist_and_reader_screens(page):
    sign_in(page)
    check(page, "home")
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-A11Y")
    page.get_by_label("Child's age").fill("13")
    page.get_by_role("group", name="Is the child looked after (in care)?").get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("being groomed")).get_by_label("Yes").check()
    # Grooming of a 13-year-old: the Protocol meeting, and Section 47 with the Core Assessment.
    expect(page.locator("#actions [data-action]")).to_have_count(3)
    check(page, "checklist")
    page.locator("#actions").scroll_into_view_if_needed()
    screenshot(page, "checklist-actions")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedure").click()
    expect(page.get_by_role("heading", level=1, name="Child Abuse and the Internet")).to_be_visible()
    check(page, "procedure")


def test_manager_queue_screen(page):
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    expect(page.get_by_role("heading", level=1, name="Concern queue")).to_be_visible()
    check(page, "queue")


def test_every_target_is_at_least_44px_and_nothing_scrolls_sideways_at_320px(page):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_role("group", name="Is the child looked after (in care)?").get_by_label("Yes").check()
    small = page.evaluate("""() => [...document.querySelectorAll(
        'main a, main button, main label.option, main input:not([type=radio]):not([type=checkbox]), nav a')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => [el.textContent.trim() || el.id, el.getBoundingClientRect()])
      .filter(([, r]) => r.height < 44 || r.width < 44)
      .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)""")
    assert small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "checklist-320px")


def test_passcode_lock_and_outbox_screens(context, page):
    page.goto("/login")
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible()
    page.get_by_label("New passcode").fill("short")
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("alert")).to_contain_text("could be guessed from a copy of the phone's storage")
    expect(page.get_by_role("alert")).to_contain_text("at least 13 digits")
    check(page, "passcode-set")
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Hello"))).to_be_visible()
    wait_for_offline_ready(page)

    context.set_offline(True)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-A11Y-OUT")
    page.get_by_label("Child's age").fill("12")
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("list", name="Outbox")).to_contain_text("CR-A11Y-OUT")
    check(page, "home-outbox")

    page.reload()
    expect(page.get_by_role("heading", level=1, name="SafeVisit is locked")).to_be_visible()
    page.get_by_label("Passcode", exact=True).fill("wrong-passcode")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("alert")).to_contain_text("9 tries left")
    expect(page.get_by_label("Passcode", exact=True)).to_be_focused()
    check(page, "locked")
