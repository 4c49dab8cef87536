"""Journey 7 in the browser, against the real server at phone size: a worker's urgent concern
sent from the outbox reaches the duty manager's service worker as a push; the manager
acknowledges, follows each recommended action to done or not needed, assigns, closes; the
chronology lists each step in order; the meeting pack prints (audited first) with the case
reference, every action's state and OFFICIAL-SENSITIVE; and no escalation follows.

Push is as real as in e2e/test_push_alerts.py (whose fixtures and helpers this reuses): the
server encrypts with pywebpush, the local receiver decrypts, and the payload is delivered to
the page's real service worker through the DevTools Protocol.
"""
import datetime as dt
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from backend.alerts.models import AlertJob, Escalation
from backend.alerts.worker import Worker, drain_once
from backend.audit.models import AuditEvent
from backend.extensions import db

from .conftest import PHONE, screenshot, serious_violations, sign_in
from .test_push_alerts import (live_server, manager_page, notifications, receiver,  # noqa: F401 (fixtures)
                               service_worker_registration_id, wait_until)

pytestmark = pytest.mark.e2e
CASE = "CR-DESK-7"


def submit_offline(browser, live_server, case_reference):
    """The worker's phone: signs in, goes offline, submits an urgent concern, comes back online."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    sign_in(page, "worker")
    context.set_offline(True)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill(case_reference)
    page.get_by_label("Child's age").fill("13")
    page.get_by_role("group", name=re.compile("Significant Harm")).get_by_label("Yes").check()
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    expect(page.locator("#outbox-count")).to_have_text("1 concern waiting to send")
    return context, page


def check(page, name):
    screenshot(page, f"desk-{name}", full_page=True)
    assert serious_violations(page) == [], name


def test_the_duty_managers_journey_from_push_to_pack(browser, manager_page, context, live_server, receiver):
    page = manager_page
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("On")
    card.get_by_role("button", name="Go on duty").click()
    expect(card.locator("#duty-state")).to_contain_text("You are on duty.")

    worker_context, worker = submit_offline(browser, live_server, CASE)
    try:
        worker_context.set_offline(False)
        expect(worker.locator("#outbox-count")).to_have_text("Nothing waiting to send")
    finally:
        worker_context.close()

    # The alert: sent by the push worker, decrypted by the receiver, delivered to the manager's SW.
    assert drain_once(live_server.app) == {"sent": 1}
    [received] = receiver.wait_for(1)
    concern_id = received.message["concern"]
    cdp, registration_id = service_worker_registration_id(context, page, live_server)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration_id, "data": received.plaintext})
    wait_until(lambda: len(notifications(page)) == 1)
    # The open queue refreshed on the push: the concern is there without a reload.
    item = page.get_by_role("link", name=re.compile(CASE))
    expect(item).to_contain_text("Urgent")
    expect(item).to_contain_text("New")
    check(page, "queue")

    # Opened from the notification, as its click does.
    [worker_sw] = context.service_workers
    worker_sw.evaluate("""async () => {
        const [n] = await self.registration.getNotifications();
        n.close();
        await openConcern(n.data);
    }""")
    expect(page.get_by_role("heading", level=1, name=f"Concern {CASE}")).to_be_visible()
    check(page, "concern")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#concern-status")).to_contain_text("Acknowledged")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)

    s47 = page.locator("[data-action='section-47-enquiry']")
    s47.locator("summary").click()
    s47.get_by_role("radio", name="Done").check()
    s47.get_by_label(re.compile("Reference")).fill("POLICE-2024-77")
    s47.get_by_role("button", name="Save").click()
    expect(s47.locator(".action-state")).to_contain_text("Done")
    expect(s47.locator(".action-state")).to_contain_text("reference POLICE-2024-77")

    core = page.locator("[data-action='core-assessment']")
    core.locator("summary").click()
    core.get_by_role("radio", name="Not needed").check()
    core.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why this action is not needed")
    # The refused form stays open, "Not needed" still chosen: only the reason is missing.
    expect(core.get_by_role("radio", name="Not needed")).to_be_checked()
    core.get_by_label(re.compile("why it is not needed")).fill("Core Assessment completed last month")
    core.get_by_role("button", name="Save").click()
    expect(core.locator(".action-state")).to_contain_text("Not needed")

    page.get_by_label("Who takes it on").select_option(label="Wren Worker")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#assigned-line")).to_contain_text("With Wren Worker")

    page.get_by_role("textbox", name="Outcome", exact=True).fill("Strategy Meeting held; Section 47 under way")
    page.get_by_role("button", name="Close concern").click()
    expect(page.locator("#concern-status")).to_contain_text("Closed")
    check(page, "concern-closed")

    page.get_by_role("link", name="Chronology for this case").click()
    expect(page.get_by_role("heading", level=1, name=f"Chronology {CASE}")).to_be_visible()
    kinds = page.locator(".chrono-entry").evaluate_all("(items) => items.map((i) => i.dataset.kind)")
    assert kinds == ["submitted", "alert_sent", "acknowledged", "action", "action", "assigned", "closed"]
    entries = page.get_by_role("list", name="Chronology")
    expect(entries).to_contain_text("POLICE-2024-77")
    expect(entries).to_contain_text("Core Assessment completed last month")
    expect(entries).to_contain_text("To Wren Worker")
    check(page, "chronology")

    page.go_back()
    expect(page.get_by_role("heading", level=1, name=f"Concern {CASE}")).to_be_visible()
    page.get_by_role("link", name="Meeting pack (print)").click()
    expect(page.get_by_role("heading", level=1, name=f"Strategy Meeting pack: {CASE}")).to_be_visible()
    check(page, "pack")
    # The print dialog cannot be driven: record what the page had when it called print().
    page.evaluate("""() => { window.__prints = [];
        window.print = () => window.__prints.push(document.getElementById('pack-printed').textContent); }""")
    page.get_by_role("button", name="Print or save as PDF").click()
    expect(page.locator("#pack-printed")).to_contain_text("Printed by Morgan Manager")
    prints = page.evaluate("window.__prints")
    assert len(prints) == 1 and prints[0].startswith("Printed by Morgan Manager")  # recorded, then printed
    with live_server.app.app_context():
        audited = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_id == concern_id, AuditEvent.action == "print_pack")).all()
        db.session.commit()
    assert len(audited) == 1

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    flat = " ".join(text.split())
    assert CASE in flat
    assert "OFFICIAL-SENSITIVE" in flat
    assert "Start a Section 47 Enquiry — Done" in flat and "POLICE-2024-77" in flat
    assert "whatever the Section 47 outcome — Not needed" in flat
    assert "Core Assessment completed last month" in flat
    assert "Printed by Morgan Manager" in flat
    assert "Print or save as PDF" not in flat  # the print stylesheet hides the controls

    # With the clock moved past the escalation time: nothing is escalated or sent.
    worker_process = Worker(live_server.app)
    try:
        later = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(minutes=60)
        assert worker_process.escalate(now=later) == []
        assert worker_process.drain(now=later) == {}
    finally:
        worker_process.close()
    with live_server.app.app_context():
        assert db.session.scalar(select(Escalation).filter_by(concern_id=concern_id)) is None
        assert db.session.scalars(select(AlertJob.kind).filter_by(concern_id=concern_id)).all() == ["alert"]
        db.session.commit()
    assert len(receiver.received) == 1


def test_the_notifications_acknowledge_action_opens_the_concern_and_the_tap_there_acknowledges(
        browser, manager_page, context, live_server, receiver):
    page = manager_page
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("On")
    card.get_by_role("button", name="Go on duty").click()
    expect(card.locator("#duty-state")).to_contain_text("You are on duty.")

    worker_context, worker = submit_offline(browser, live_server, "CR-DESK-ACK")
    try:
        worker_context.set_offline(False)
        expect(worker.locator("#outbox-count")).to_have_text("Nothing waiting to send")
    finally:
        worker_context.close()
    assert drain_once(live_server.app) == {"sent": 1}
    [received] = receiver.wait_for(1)
    cdp, registration_id = service_worker_registration_id(context, page, live_server)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration_id, "data": received.plaintext})
    wait_until(lambda: len(notifications(page)) == 1)
    [worker_sw] = context.service_workers
    actions = worker_sw.evaluate("""async () => {
        const [n] = await self.registration.getNotifications();
        n.close();
        await openConcern(n.data, "acknowledge");  // the notification's button
        return n.actions.map((a) => a.title);
    }""")
    assert actions == ["Open to acknowledge"]
    expect(page.get_by_role("heading", level=1, name="Concern CR-DESK-ACK")).to_be_visible()
    # Opening acknowledged nothing: the page asks, with the button in view.
    expect(page.locator("#acknowledge-prompt")).to_have_text(
        "You opened this from an alert. It is not acknowledged until you tap Acknowledge.")
    expect(page).to_have_url(re.compile(re.escape(received.message["concern"]) + "$"))  # the one-off ?acknowledge=1 is gone
    button = page.get_by_role("button", name="Acknowledge", exact=True)
    expect(button).to_be_in_viewport()
    expect(page.locator("#concern-status")).not_to_contain_text("Acknowledged")
    with live_server.app.app_context():
        assert db.session.scalar(select(AuditEvent).filter_by(
            action="acknowledge", object_id=received.message["concern"])) is None
        db.session.commit()
    button.click()
    expect(page.locator("#concern-status")).to_contain_text(re.compile(r"Acknowledged [^.]* by Morgan Manager"))
    expect(page.locator("#acknowledge-prompt")).to_have_count(0)
    # Offline, the desk says so plainly rather than failing silently.
    context.set_offline(True)
    expect(page.locator("#offline-notice")).to_contain_text("You are offline")
    page.get_by_role("button", name="Save decision").click()  # empty: asks for text first
    page.get_by_label("What you decided, and why").fill("Police informed")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("alert")).to_contain_text("You are offline")
    context.set_offline(False)
