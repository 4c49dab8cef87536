"""The admin console in Chromium at phone size: an admin creates a carer, who signs in with
the one-time setup code and sets a password; the admin deactivates them and the carer's phone
wipes at its next contact; reactivated, they sign in again. A duty manager gives a carer of their team a setup code. Teams and
the audit log (search, CSV export). axe-core on every console screen."""
import csv
import re

import pytest
from playwright.sync_api import expect

from backend.accounts.service import create_user
from backend.extensions import db

from .conftest import PASSCODE, PASSWORD, PHONE, screenshot, serious_violations, sign_in, wait_for_offline_ready

pytestmark = pytest.mark.e2e
CARER_PASSWORD = "carys-chose-this-one"


def check(page, name):
    screenshot(page, name)
    assert serious_violations(page) == [], name


def set_passcode(page):
    expect(page.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible()
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible()
    wait_for_offline_ready(page)


def open_console(page, section):
    """From the home screen, as an admin taps through (a typed address would reload and lock)."""
    page.get_by_role("link", name="Open the admin console").click()
    page.get_by_role("link", name=re.compile(f"^{section}")).click()
    expect(page.get_by_role("heading", level=1, name=section)).to_be_visible()


def redeem(page, username, code, password):
    page.goto("/login")
    page.get_by_role("link", name="I have a setup code").click()
    expect(page.get_by_role("heading", level=1, name="Set your password with a setup code")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Setup code").fill(code)
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Type the new password again").fill(password)
    page.get_by_role("button", name="Set password and sign in").click()


def test_an_admin_creates_a_carer_who_sets_a_password_and_is_wiped_when_deactivated(browser, live_server, page, page_errors):
    sign_in(page, "admin")
    page.get_by_role("link", name="Open the admin console").click()
    expect(page.get_by_role("heading", level=1, name="Admin console")).to_be_visible()
    check(page, "admin-console")
    page.get_by_role("link", name=re.compile("^People")).click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    expect(page.locator("#people-results")).to_contain_text("Casey Carer")
    check(page, "admin-people")
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1, name="Add a person")).to_be_visible()
    # Bad input is refused with the field named, and nothing is created.
    page.get_by_label("Full name").fill("Carys Newcarer")
    page.get_by_label("Username").fill("carer")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#person-username-error")).to_have_text("Someone already has this username.")
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    check(page, "admin-person-new-error")
    page.get_by_label("Username").fill("carys")
    page.get_by_label("Role").select_option(label="Foster carer")
    page.get_by_label("Team").select_option(label="North")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1, name="Account created")).to_be_visible()
    code = page.locator("#setup-code-value").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    check(page, "admin-person-created")

    carer_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        carer = page_errors.attach(carer_context.new_page())
        redeem(carer, "carys", code, CARER_PASSWORD)
        set_passcode(carer)
        expect(carer.get_by_text("Foster carer · North team")).to_be_visible()
        carer.get_by_role("link", name="Start a home-visit checklist").click()
        carer.get_by_label("Case reference").fill("CR-CARYS-1")
        expect(carer.locator(".saved")).to_contain_text("Saved on this phone at")
        # The code was single use: the same code again is refused on the screen.
        other = page_errors.attach(browser.new_context(base_url=live_server.url, **PHONE).new_page())
        try:
            redeem(other, "carys", code, "someone-elses-password")
            expect(other.get_by_role("alert")).to_contain_text("does not work for this username")
            expect(other.get_by_label("Setup code")).to_have_attribute("aria-invalid", "true")
        finally:
            other.context.close()

        # The admin deactivates Carys from her page.
        page.get_by_role("link", name="Done").click()
        expect(page.get_by_role("heading", level=1, name="Carys Newcarer")).to_be_visible()
        check(page, "admin-person")
        page.get_by_role("button", name="Deactivate").click()
        page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
        expect(page.locator("#person-status")).to_have_text("Deactivated")

        carer.reload()  # the phone's next contact with the server
        expect(carer.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
        expect(carer.get_by_role("status").filter(has_text="deactivated")).to_be_visible()
        assert "safevisit" not in [d["name"] for d in carer.evaluate("indexedDB.databases()")]
        carer.get_by_label("Username").fill("carys")
        carer.get_by_label("Password").fill(CARER_PASSWORD)
        carer.get_by_role("button", name="Sign in").click()
        expect(carer.get_by_role("alert")).to_contain_text("do not match")

        # It was a mistake: the admin reactivates her, and her password works again.
        check(page, "admin-person-deactivated")
        page.get_by_role("button", name="Reactivate").click()
        page.get_by_role("dialog").get_by_role("button", name="Reactivate").click()
        expect(page.locator("#person-status")).to_have_text("Active")
        expect(page.get_by_role("button", name="Deactivate")).to_be_visible()
        carer.get_by_label("Password").fill(CARER_PASSWORD)
        carer.get_by_role("button", name="Sign in").click()
        expect(carer.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible()
    finally:
        carer_context.close()


def test_an_admin_edits_a_team_and_its_numbers(page):
    sign_in(page, "admin")
    open_console(page, "Teams")
    check(page, "admin-teams")
    page.get_by_label("Team name").fill("East")
    page.get_by_label("Duty desk number").fill("0151 496 0400")
    page.get_by_role("button", name="Create team").click()
    expect(page.locator("[data-team]").filter(has_text="East")).to_contain_text("Duty desk: 0151 496 0400")
    page.get_by_role("link", name="Edit team East").click()
    expect(page.get_by_role("heading", level=1, name="Team East")).to_be_visible()
    page.get_by_label("Out-of-hours number (Emergency Duty Team)").fill("not a number")
    page.get_by_role("button", name="Save team").click()
    expect(page.locator("#edit-team-ooh-error")).to_contain_text("not a phone number")
    check(page, "admin-team-error")
    page.get_by_label("Team name").fill("East Side")
    page.get_by_label("Out-of-hours number (Emergency Duty Team)").fill("0151 496 0999")
    # Office hours decide which number the team's phones offer.
    page.get_by_label("Days").select_option(label="Monday to Friday")
    page.get_by_label("Opens").fill("18:00")
    page.get_by_label("Closes").fill("08:00")
    page.get_by_role("button", name="Save team").click()
    expect(page.locator("#edit-team-closes-error")).to_contain_text("must open before it closes")
    page.get_by_label("Opens").fill("08:00")
    page.get_by_label("Closes").fill("18:00")
    page.get_by_role("button", name="Save team").click()
    expect(page.get_by_role("heading", level=1, name="Teams")).to_be_visible()
    east = page.locator("[data-team]").filter(has_text="East Side")
    expect(east).to_contain_text("Out of hours: 0151 496 0999")
    expect(east).to_contain_text("Office hours: Monday to Friday, 08:00 to 18:00")
    page.get_by_role("link", name="Edit team East Side").click()
    expect(page.get_by_label("Days")).to_have_value("mon-fri")
    expect(page.get_by_label("Opens")).to_have_value("08:00")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")
    check(page, "admin-team-hours")


def test_an_admin_searches_the_audit_log_and_exports_it(page):
    sign_in(page, "admin")
    open_console(page, "Audit log")
    expect(page.locator("#audit-list [data-event]").first).to_be_visible()
    check(page, "admin-audit")
    page.get_by_label("Person (username)").fill("admin")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-list [data-event]").first).to_contain_text("admin")
    page.get_by_label("From (day)").fill("2000-01-02")
    page.get_by_label("To (day)").fill("2000-01-01")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-to-error")).to_contain_text("before the first")
    page.get_by_label("From (day)").fill("")
    page.get_by_label("To (day)").fill("")
    page.get_by_label("Person (username)").fill("")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert re.fullmatch(r"safevisit-audit-\d{8}-\d{4}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8", newline="") as exported:
        rows = list(csv.reader(exported))
    assert rows[0][:5] == ["id", "at", "username", "user_id", "action"]
    assert any(r[4] == "login" and r[2] == "admin" for r in rows[1:])
    # The export is itself in the log.
    page.get_by_label("Person (username)").fill("admin")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-list [data-event]").filter(has_text="export audit")).to_have_count(1)


def test_a_duty_manager_gives_a_carer_of_their_team_a_setup_code(browser, live_server, page, page_errors):
    with live_server.app.app_context():
        create_user("cora", PASSWORD, "foster_carer", "North", "Cora Forgetful")
        db.session.commit()
    sign_in(page, "manager")
    page.get_by_role("link", name="Setup codes for my team").click()
    expect(page.get_by_role("heading", level=1, name="Setup codes for my team")).to_be_visible()
    expect(page.locator("[data-person]")).not_to_contain_text(["Max Manager"])
    check(page, "team-setup-codes")
    page.get_by_role("button", name="Issue a setup code for Cora Forgetful").click()
    page.get_by_role("dialog").get_by_role("button", name="Issue code").click()
    code = page.locator("#setup-code-value").inner_text().strip()
    check(page, "team-setup-code-shown")

    carer_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        carer = page_errors.attach(carer_context.new_page())
        redeem(carer, "cora", code, "cora-remembers-this")
        set_passcode(carer)
        expect(carer.get_by_role("heading", level=1, name="Hello, Cora Forgetful")).to_be_visible()
    finally:
        carer_context.close()


def test_the_setup_code_screen_is_accessible(page):
    page.goto("/login")
    page.get_by_role("link", name="I have a setup code").click()
    expect(page.get_by_role("heading", level=1, name="Set your password with a setup code")).to_be_visible()
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Enter your username.")
    check(page, "setup-code")


def test_an_admin_changes_role_and_team_issues_a_new_code_and_ends_every_session(browser, live_server, page, page_errors):
    with live_server.app.app_context():
        create_user("wes", PASSWORD, "field_worker", "North", "Wes Worker")
        db.session.commit()
    phone_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        phone = page_errors.attach(phone_context.new_page())
        sign_in(phone, "wes")
        sign_in(page, "admin")
        open_console(page, "People")
        page.get_by_label("Name or username").fill("wes")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#people-results")).to_contain_text("1 person")
        page.get_by_role("link", name=re.compile("Wes Worker")).click()
        expect(page.get_by_role("heading", level=1, name="Wes Worker")).to_be_visible()
        page.get_by_label("Role", exact=True).select_option(label="Duty manager")
        page.get_by_label("Team", exact=True).select_option(label="South")
        page.get_by_role("button", name="Save").click()
        facts = page.locator(".facts")
        expect(facts).to_contain_text("Duty manager")
        expect(facts).to_contain_text("South")
        page.get_by_role("button", name="Issue a new setup code").click()
        page.get_by_role("dialog").get_by_role("button", name="Issue code").click()
        expect(page.locator("#setup-code-value")).to_have_text(re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$"))
        check(page, "admin-person-code")
        page.get_by_role("button", name="End all sessions").click()
        page.get_by_role("dialog").get_by_role("button", name="End sessions").click()
        expect(page.locator("#announcer")).to_have_text("Wes Worker is signed out everywhere.")

        phone.reload()  # Wes's phone, at its next contact
        expect(phone.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
        expect(phone.get_by_role("status").filter(has_text="signed out on another device or by an administrator")).to_be_visible()
    finally:
        phone_context.close()
