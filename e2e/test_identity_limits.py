"""Journeys at phone size for the smaller identity fixes: a common password refused on the
setup-code screen with the reason beside the field; an admin's reads of the audit log (the
console's search and export, and the raw trail) showing up in the log with their filters."""
import json
import re

from playwright.sync_api import expect

from backend.accounts import common_passwords, setup_codes
from backend.accounts.models import User
from backend.accounts.service import create_user
from backend.extensions import db

from .conftest import PASSCODE, PASSWORD, screenshot, serious_violations, sign_in, wait_for_offline_ready
from .test_admin_console import open_console, redeem


def test_a_common_password_is_refused_beside_the_field_and_a_better_one_signs_in(live_server, page):
    with live_server.app.app_context():
        person = create_user("petra", PASSWORD, "foster_carer", "North", "Petra Carer")
        code, _ = setup_codes.issue(person, db.session.get(User, person.id))
        db.session.commit()
    redeem(page, "petra", code, "Password1234")
    error = page.locator("#setup-error")
    expect(error).to_have_text(common_passwords.MESSAGE)
    password = page.get_by_label("New password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    screenshot(page, "setup-code-common-password")
    assert serious_violations(page) == []
    # The code was not spent: the same code with a password of their own works.
    password.fill("heron-lantern-quietly-57")
    page.get_by_label("Type the new password again").fill("heron-lantern-quietly-57")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible()
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name="Hello, Petra Carer")).to_be_visible()
    wait_for_offline_ready(page)


def test_an_admins_reads_of_the_audit_log_are_in_the_log(page):
    sign_in(page, "admin")
    open_console(page, "Audit log")
    page.get_by_label("Person (username)").fill("manager")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-list")).to_be_visible()
    # The raw trail, read as any client of the API would, with this phone's device key.
    status = page.evaluate("""async () => {
        const api = await import('/js/api.js');
        const r = await fetch('/api/audit?limit=3', { headers: { [api.DEVICE_HEADER]: api.heldDeviceKey() } });
        return r.status;
    }""")
    assert status == 200
    page.get_by_label("Person (username)").fill("admin")
    page.get_by_role("button", name="Search").click()
    searches = page.locator("#audit-list [data-event]").filter(has_text="search audit")
    expect(searches.filter(has_text='"person": "manager"')).to_have_count(1)
    listed = page.locator("#audit-list [data-event]").filter(has_text="list audit")
    expect(listed).to_have_count(1)
    detail = json.loads(listed.locator(".audit-detail").inner_text())
    assert set(detail) == {"limit", "count"} and detail["limit"] == 3
    expect(listed).not_to_contain_text(re.compile("login|sync"))
    screenshot(page, "admin-audit-reads")
