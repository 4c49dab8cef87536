"""The duty desk in the browser, at phone size: the duty desk one tap away with no signal, "I have
phoned" recorded into the (encrypted) draft, the call on the manager's pages after the phone
reconnects, an alert that says it was already phoned; and an alert channel proven by a test
alert, with the queue warning while nobody on duty has one that works.

Push is as real as in e2e/test_push_alerts.py (whose fixtures and helpers this reuses): the
server encrypts with pywebpush, the local receiver decrypts with the subscription's keys, and
the payload is delivered to the page's real service worker with the DevTools Protocol. No tool
can tap a real notification: the test calls the function the worker's click listener calls.
"""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.alerts.worker import drain_once
from backend.concerns.models import Concern
from backend.extensions import db
from backend.push.models import PushSubscription

from .conftest import PHONE, screenshot, serious_violations, sign_in, unlock
from .test_push_alerts import (live_server, manager_page, notifications, receiver,  # noqa: F401 (fixtures)
                               service_worker_registration_id, wait_until)

pytestmark = pytest.mark.e2e
CASE = "CR-DESK-14"


def set_hours(live_server, *args):
    result = live_server.app.test_cli_runner().invoke(args=["teams", "set-office-hours", "North", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture
def demo_hours(live_server):
    yield
    set_hours(live_server, "--days", "mon-fri", "--opens", "09:00", "--closes", "17:00",
              "--time-zone", "Europe/London")


def urgent_answers(page, case_reference):
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill(case_reference)
    page.get_by_label("Child's age").fill("13")
    page.get_by_role("group", name=re.compile("Significant Harm")).get_by_label("Yes").check()


def deliver(context, page, live_server, plaintext):
    cdp, registration_id = service_worker_registration_id(context, page, live_server)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration_id, "data": plaintext})


def test_offline_the_duty_desk_is_one_tap_away_and_the_call_reaches_the_manager(
        browser, manager_page, context, live_server, receiver, demo_hours):
    # Every day, all day: the duty desk answers whenever this test runs.
    set_hours(live_server, "--days", "mon-sun", "--opens", "00:00", "--closes", "23:59")
    page = manager_page
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("On")

    worker_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        worker = worker_context.new_page()
        sign_in(worker, "worker")  # online once: the team's numbers and hours come with the session
        worker_context.set_offline(True)
        urgent_answers(worker, CASE)
        panel = worker.get_by_role("region", name="What the procedure recommends")
        desk = panel.get_by_role("region", name=re.compile("Phone the duty desk now"))
        expect(desk).to_be_visible()
        # At the top of the panel: straight after its heading, before every recommendation.
        first = panel.evaluate("(p) => [...p.children].filter((c) => !c.hidden).slice(0, 2).map((c) => c.id || c.tagName)")
        assert first == ["actions-title", "duty-desk"]
        call = desk.get_by_role("link", name="Call the duty desk: 0151 496 0100")
        expect(call).to_have_attribute("href", "tel:01514960100")
        box = call.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 0.8 * (390 - 64)  # a thumb-sized target
        expect(desk.locator("#duty-desk-why")).to_contain_text("within office hours")
        expect(worker.locator("#actions-summary")).to_contain_text("Phone the duty desk now")
        assert serious_violations(worker) == []

        # "I have phoned": whom they spoke to is required.
        desk.get_by_role("button", name="I have phoned").click()
        expect(desk.get_by_role("alert")).to_contain_text("Say whom you spoke to")
        desk.get_by_label("Whom did you speak to?").fill("Jo Duty-Senior")
        desk.get_by_role("button", name="I have phoned").click()
        line = desk.locator("#phoned-line")
        expect(line).to_contain_text(re.compile(r"Phoned the duty desk at \d\d:\d\d \(spoke to Jo Duty-Senior\)"))
        screenshot(worker, "duty-desk-phoned")
        # Kept in the draft, which is encrypted at rest: the name is nowhere in clear.
        raw = worker.evaluate("""() => new Promise((resolve, reject) => {
            const open = indexedDB.open("safevisit");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction("drafts").objectStore("drafts").getAll();
              get.onsuccess = () => resolve(JSON.stringify(get.result));
            };
        })""")
        assert "Jo Duty-Senior" not in raw and "sealed" in raw
        # Still there after a reload with no signal (and the passcode).
        worker.reload()
        unlock(worker)
        expect(worker.locator("#phoned-line")).to_contain_text("(spoke to Jo Duty-Senior)")

        worker.get_by_role("button", name="Submit concern").click()
        worker.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
        expect(worker.locator("#outbox-count")).to_have_text("1 concern waiting to send")
        worker_context.set_offline(False)
        expect(worker.locator("#outbox-count")).to_have_text("Nothing waiting to send")
    finally:
        worker_context.close()

    with live_server.app.app_context():
        concern = db.session.scalar(select(Concern).filter_by(case_reference=CASE))
        assert concern.duty_call["spoke_to"] == "Jo Duty-Senior" and concern.duty_call["desk"] == "duty"
        assert concern.duty_call["number"] == "0151 496 0100"
        db.session.commit()

    # The alert says it was already phoned: a flag, no name.
    assert drain_once(live_server.app) == {"sent": 1}
    [received] = receiver.wait_for(1)
    assert received.message["phoned"] is True and "Jo" not in received.plaintext
    deliver(context, page, live_server, received.plaintext)
    wait_until(lambda: len(notifications(page)) == 1)
    [shown] = notifications(page)
    assert shown["body"] == "The worker has already phoned the duty desk. Open SafeVisit to see it."

    # The queue flags it; the concern page says who was phoned, when.
    item = page.get_by_role("link", name=re.compile(CASE))
    expect(item).to_contain_text("Phoned in")
    item.click()
    expect(page.get_by_role("heading", level=1, name=f"Concern {CASE}")).to_be_visible()
    expect(page.locator("#phoned-line")).to_contain_text(
        re.compile(r"Phoned the duty desk at \d\d:\d\d \(spoke to Jo Duty-Senior\)"))
    assert serious_violations(page) == []
    screenshot(page, "concern-phoned")
    page.get_by_role("link", name="Chronology for this case").click()
    entries = page.get_by_role("list", name="Chronology")
    expect(entries.locator("[data-kind='phoned']")).to_contain_text("Duty desk (0151 496 0100): spoke to Jo Duty-Senior")


def test_out_of_hours_by_the_teams_clock_across_a_daylight_saving_change(context, page, live_server, demo_hours):
    """Monday 30 March 2026, 16:30 UTC: 17:30 in London (BST began the day before), so the
    desk has closed — read as GMT it would still be open."""
    set_hours(live_server, "--days", "mon-fri", "--opens", "09:00", "--closes", "17:00")
    sign_in(page, "worker")
    context.set_offline(True)
    page.clock.set_fixed_time(dt.datetime(2026, 3, 30, 16, 30, tzinfo=dt.timezone.utc))
    urgent_answers(page, "CR-DESK-EDT")
    desk = page.get_by_role("region", name=re.compile("Phone the duty desk now"))
    call = desk.get_by_role("link", name="Call the out-of-hours team (Emergency Duty Team): 0151 496 0900")
    expect(call).to_have_attribute("href", "tel:01514960900")
    expect(desk.locator("#duty-desk-why")).to_have_text(
        "It is Monday 17:30 for your team (Europe/London): outside office hours "
        "(Monday to Friday, 09:00 to 17:00), so the out-of-hours team answers.")
    # A routine answer set shows no duty-desk box.
    page.get_by_role("group", name=re.compile("Significant Harm")).get_by_label("No").check()
    expect(desk).to_be_hidden()


def test_a_test_alert_proves_the_channel_and_the_queue_warning_goes(manager_page, context, live_server, receiver):
    page = manager_page
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    # No channel at all: the team hears that nobody on duty can be reached.
    warning = page.locator("#coverage-warning")
    expect(warning).to_contain_text("North team: none of the 1 manager an alert goes to now has an alert channel known to work")
    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#channel-state")).to_contain_text("Not yet proven")
    page.reload()
    unlock(page)
    expect(page.locator("#coverage-warning")).to_be_visible()  # a subscription alone proves nothing
    assert serious_violations(page) == []
    screenshot(page, "queue-coverage-warning")

    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Send me a test alert").click()
    expect(card.locator("#alerts-note")).to_contain_text("Test alert sent to your phone")
    assert drain_once(live_server.app) == {"sent": 1}
    [received] = receiver.wait_for(1)
    assert received.message["kind"] == "test"
    deliver(context, page, live_server, received.plaintext)
    wait_until(lambda: len(notifications(page)) == 1)
    [shown] = notifications(page)
    assert shown["title"] == "SafeVisit test alert" and shown["data"] == {"test": received.message["test"]}

    # The tap: the service worker sends the acknowledgement and brings up the queue.
    [worker] = context.service_workers
    assert worker.evaluate("""async (subscription) => {
        // Headless Chromium has no push service: the worker's subscription is stubbed as the
        // page's is (test_push_alerts.py), the one the server holds for this phone.
        PushManager.prototype.getSubscription = async () => ({ endpoint: subscription.endpoint, toJSON: () => subscription });
        const [n] = await self.registration.getNotifications();
        n.close();
        return confirmTest(n.data);
    }""", page.subscription) is True
    with live_server.app.app_context():
        row = db.session.scalar(select(PushSubscription).filter_by(endpoint=page.subscription["endpoint"]))
        assert row.confirmed_at is not None
        db.session.commit()
    expect(page.get_by_role("region", name="Alerts on this phone").locator("#channel-state")).to_contain_text("Working")
    expect(page.locator("#coverage-warning")).to_have_count(0)
    screenshot(page, "queue-channel-working")


def test_the_number_to_ring_follows_the_clock_past_closing_time(context, page, live_server, demo_hours):
    """A worker opens the checklist at 16:58 on a Monday (GMT) and is still on it after 17:00,
    when the out-of-hours team answers: the call button changes by itself, says so to a screen
    reader, and leaves the name being typed alone; the call is recorded against the number shown."""
    set_hours(live_server, "--days", "mon-fri", "--opens", "09:00", "--closes", "17:00")
    sign_in(page, "worker")
    context.set_offline(True)
    page.clock.install(time=dt.datetime(2026, 11, 30, 16, 58, tzinfo=dt.timezone.utc))
    page.reload()
    unlock(page)
    urgent_answers(page, "CR-DESK-CLOSE")
    desk = page.get_by_role("region", name=re.compile("Phone the duty desk now"))
    expect(desk.get_by_role("link", name="Call the duty desk: 0151 496 0100")).to_be_visible()
    expect(desk.locator("#duty-desk-why")).to_contain_text("It is Monday 16:5")
    desk.get_by_label("Whom did you speak to?").fill("Sam at the EDT")

    page.clock.run_for("03:00")  # past 17:00 while the page stays open
    call = desk.get_by_role("link", name="Call the out-of-hours team (Emergency Duty Team): 0151 496 0900")
    expect(call).to_have_attribute("href", "tel:01514960900")
    expect(desk.get_by_role("link", name=re.compile("Call the duty desk"))).to_have_count(0)
    expect(desk.locator("#duty-desk-why")).to_contain_text("It is Monday 17:0")
    expect(desk.locator("#duty-desk-why")).to_contain_text("outside office hours")
    expect(page.locator("#announcer")).to_have_text(
        "The number to ring has changed. Call the out-of-hours team (Emergency Duty Team): 0151 496 0900.")
    expect(desk.get_by_label("Whom did you speak to?")).to_have_value("Sam at the EDT")

    desk.get_by_role("button", name="I have phoned").click()
    expect(desk.locator("#phoned-line")).to_contain_text(
        re.compile(r"Phoned the out-of-hours team at \d\d:\d\d \(spoke to Sam at the EDT\)"))
