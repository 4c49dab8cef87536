"""A test alert tapped on the phone it was sent to proves that phone's channel, once: the same
notification tapped again, the phone's token posted from the manager's other browser, or a
test more than a day old confirm nothing, and the Alerts card says what the server knows.

Push is as real as in e2e/test_push_alerts.py (whose fixtures this reuses): pywebpush encrypts,
the local receiver decrypts, the payload reaches the page's real service worker over the
DevTools Protocol, and the test calls confirmTest(), the function the worker's click listener
calls. Headless Chromium has no push service, so the worker's pushManager.getSubscription is
stubbed as the page's is, with the subscription (endpoint and keys) each browser registered.
"""
import datetime as dt
import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.alerts.models import AlertJob
from backend.alerts.worker import drain_once
from backend.push.models import PushSubscription

from .conftest import PHONE, screenshot, serious_violations, sign_in
from .test_duty_desk_offline import deliver
from .test_push_alerts import (STUB, live_server, manager_page, notifications, receiver,  # noqa: F401
                               wait_until)

pytestmark = pytest.mark.e2e

# The worker's own subscription, stubbed (no push service here) as the one its page registered.
STUBBED = "PushManager.prototype.getSubscription = async () => ({ endpoint: s.endpoint, toJSON: () => s });"
TAP = """async (s) => {
    %s
    const [n] = await self.registration.getNotifications();
    return confirmTest(n.data);
}""" % STUBBED


def acknowledgements(live_server) -> int:
    with live_server.app.app_context():
        count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "push_test_acknowledged"))
        db.session.commit()
        return count


def confirmed(live_server, endpoint):
    with live_server.app.app_context():
        value = db.session.scalar(select(PushSubscription.confirmed_at).filter_by(endpoint=endpoint))
        db.session.commit()
        return value


def send_and_deliver(page, context, live_server, receiver):
    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Send me a test alert").click()
    expect(card.locator("#alerts-note")).to_contain_text("Test alert sent to your")
    before = len(receiver.received)
    sent = drain_once(live_server.app)["sent"]  # the phone's, and the laptop's once it has alerts on
    received = next(r for r in receiver.wait_for(before + sent)[before:] if r.name == "phone")
    deliver(context, page, live_server, received.plaintext)
    wait_until(lambda: any(n["data"] == {"test": received.message["test"]} for n in notifications(page)))
    return received.message["test"]


def test_a_test_alert_is_confirmed_once_from_the_phone_it_reached(browser, manager_page, context, live_server,
                                                                 receiver, page_errors):
    page = manager_page
    phone = page.subscription["endpoint"]
    own = page.subscription
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    card = page.get_by_role("region", name="Alerts on this phone")
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#channel-state")).to_contain_text("Not yet proven")
    token = send_and_deliver(page, context, live_server, receiver)

    # The manager's laptop, signed in too with alerts on, is sent the same token somehow: its
    # own subscription is not the phone's, and nothing is confirmed.
    laptop_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        laptop = page_errors.attach(laptop_context.new_page())
        laptop_context.grant_permissions(["notifications"], origin=live_server.url)
        laptop_subscription = receiver.subscription("laptop")
        laptop.add_init_script(STUB.replace("__SUBSCRIPTION__", json.dumps(laptop_subscription)))
        sign_in(laptop, "manager")
        laptop.get_by_role("link", name="Open the concern queue").click()
        laptop.get_by_role("region", name="Alerts on this phone").get_by_role("button", name="Turn on alerts").click()
        expect(laptop.locator("#channel-state")).to_contain_text("Not yet proven")
        [laptop_worker] = laptop_context.service_workers
        assert laptop_worker.evaluate("""async ([s, token]) => {
            %s
            return confirmTest({ test: token });
        }""" % STUBBED, [laptop_subscription, token]) is False
    finally:
        laptop_context.close()
    assert confirmed(live_server, phone) is None and acknowledgements(live_server) == 0

    # The tap on the phone: confirmed, and the card says so.
    [worker] = context.service_workers
    assert worker.evaluate(TAP, own) is True
    expect(page.get_by_role("region", name="Alerts on this phone").locator("#channel-state")).to_contain_text("Working")
    first = confirmed(live_server, phone)
    assert first is not None and acknowledgements(live_server) == 1
    screenshot(page, "test-alert-confirmed-once")
    assert serious_violations(page) == []

    # The same notification tapped again: spent.
    assert worker.evaluate(TAP, own) is False
    assert confirmed(live_server, phone) == first and acknowledgements(live_server) == 1

    # A test that reached the phone more than a day ago (the phone was off, the tap is late).
    send_and_deliver(page, context, live_server, receiver)
    with live_server.app.app_context():
        job = db.session.scalars(select(AlertJob).join(PushSubscription).where(PushSubscription.endpoint == phone)
                                 .order_by(AlertJob.id.desc())).first()
        job.sent_at = job.sent_at - dt.timedelta(hours=25)
        db.session.commit()
    assert worker.evaluate("""async (s) => {
        %s
        const shown = await self.registration.getNotifications();
        return confirmTest(shown[shown.length - 1].data);
    }""" % STUBBED, own) is False
    assert confirmed(live_server, phone) == first and acknowledgements(live_server) == 1
