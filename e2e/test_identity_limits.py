"""Journeys at phone size for the smaller identity fixes: a common password refused on the
setup-code screen with the reason beside the field; an admin's reads of the audit log (the
console's search and export, and the raw trail) showing up in the log with their filters; a
manager verifying a mobile number meets the day's caps on codes texted and codes tried, said
in words on the card (a server of its own with small caps, SMS to the local Notify stand-in);
a link to a concern with ?acknowledge=1 opens it with the Acknowledge button offered, and only
the manager's tap acknowledges."""
import datetime as dt
import json
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.accounts import common_passwords, setup_codes
from backend.accounts.models import User
from backend.accounts.service import create_user
from backend.extensions import db
from backend.sms.models import MobileNumber
from backend.audit.models import AuditEvent
from backend.concerns.models import Concern
from tests.conftest import ApiClient
from tests.notify_support import NotifyReceiver, sms_config
from tests.push_support import urgent_change

from .conftest import (PASSCODE, PASSWORD, PHONE, LiveServer, screenshot, serious_violations, sign_in,
                       unlock, wait_for_offline_ready)
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


@pytest.fixture(scope="module")
def notify_stand_in():
    server = NotifyReceiver()
    yield server
    server.close()


@pytest.fixture(scope="module")
def sms_server(tmp_path_factory, notify_stand_in):
    server = LiveServer(tmp_path_factory.mktemp("e2e-sms-caps") / "sms.sqlite3",
                        SMS_CODES_SENT_LIMIT="2 per day", SMS_CODE_GUESS_LIMIT="3 per day",
                        **sms_config(notify_stand_in.url))
    yield server
    server.stop()


def _past_the_minute(server):
    # The card asks a minute between texts; the journey is not made to wait for it.
    with server.app.app_context():
        for row in db.session.scalars(select(MobileNumber)):
            row.code_sent_at -= dt.timedelta(minutes=2)
        db.session.commit()


def test_a_manager_meets_the_days_caps_on_texted_codes_and_guesses(browser, sms_server, notify_stand_in,
                                                                   page_errors):
    context = browser.new_context(base_url=sms_server.url, **PHONE)
    try:
        page = page_errors.attach(context.new_page())
        sign_in(page, "manager")
        page.get_by_role("link", name="Open the concern queue").click()
        page.get_by_role("link", name="On call: rota and text alerts").click()
        card = page.locator("#mobile")
        expect(card.locator("#mobile-state")).to_be_visible()
        code_box = card.get_by_label(re.compile("The 6-digit code sent to"))
        for number in ("07700 900555", "07700 900556"):
            card.get_by_label(re.compile("mobile number", re.I)).fill(number)
            card.get_by_role("button", name="Text me a code").click()
            expect(card.locator("#mobile-state")).to_contain_text(f"Not verified yet: +44 7••• ••• {number[-3:]}")
            _past_the_minute(sms_server)
        card.get_by_label(re.compile("mobile number", re.I)).fill("07700 900557")
        card.get_by_role("button", name="Text me a code").click()
        error = card.locator("#mobile-error")
        expect(error).to_contain_text("No more codes can be texted for this account today: the limit is 2 per day. "
                                      "Try again in about 24 hours.")
        screenshot(page, "mobile-codes-cap")
        assert serious_violations(page) == []
        assert len(notify_stand_in.received) == 2
        code = notify_stand_in.codes()[-1]
        for guess in [c for c in ("000000", "111111", "222222", "333333") if c != code][:3]:
            code_box.fill(guess)
            card.get_by_role("button", name="Verify").click()
            expect(error).to_contain_text("That code is not right")
        code_box.fill(code)
        card.get_by_role("button", name="Verify").click()
        expect(error).to_contain_text("Too many codes have been tried for this account today: the limit is "
                                      "3 per day. Try again in about 24 hours.")
        expect(card.locator("#mobile-state")).to_contain_text("Not verified yet")
        screenshot(page, "mobile-guesses-cap")
    finally:
        context.close()


def test_a_link_with_acknowledge_opens_the_concern_and_only_the_tap_acknowledges(live_server, page):
    concern_id = str(uuid.uuid4())
    worker = ApiClient(live_server.app.test_client())
    assert worker.login("worker", PASSWORD).status_code == 200
    answer = worker.post("/api/sync", {"changes": [urgent_change(concern_id, "CR-LINK-ACK")]})
    assert answer.json["results"][0]["result"] == "applied"
    sign_in(page, "manager")
    # A link from anywhere (a message, another site): a full load, so the lock comes first.
    page.goto(f"/concerns/{concern_id}?acknowledge=1")
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Concern CR-LINK-ACK")).to_be_visible()
    prompt = page.locator("#acknowledge-prompt")
    expect(prompt).to_have_text("You opened this from an alert. It is not acknowledged until you tap Acknowledge.")
    button = page.get_by_role("button", name="Acknowledge", exact=True)
    expect(button).to_be_in_viewport()
    expect(button).to_have_attribute("aria-describedby", "acknowledge-prompt")
    expect(page).to_have_url(re.compile(f"/concerns/{concern_id}$"))  # the hint is not kept for a reload
    with live_server.app.app_context():
        assert db.session.get(Concern, concern_id).acknowledged_at is None
        assert db.session.scalar(select(AuditEvent).filter_by(action="acknowledge", object_id=concern_id)) is None
        db.session.commit()
    screenshot(page, "concern-acknowledge-offered")
    assert serious_violations(page) == []
    # Reloaded (the hint gone), still nothing acknowledged and no prompt.
    page.reload()
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Concern CR-LINK-ACK")).to_be_visible()
    expect(page.locator("#acknowledge-prompt")).to_have_count(0)
    page.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(page.locator("#concern-status")).to_contain_text(re.compile(r"Acknowledged [^.]* by Morgan Manager"))
    with live_server.app.app_context():
        assert db.session.get(Concern, concern_id).acknowledged_at is not None
        db.session.commit()
