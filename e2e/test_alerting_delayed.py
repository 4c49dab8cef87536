"""No alert worker running: the phone that sends an urgent concern is told to ring the duty
desk, and the duty manager's queue and the admin console say alerts are not being sent."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from backend.extensions import db
from backend.push.heartbeats import WorkerHeartbeat
from backend.clock import utcnow

from .conftest import PHONE, screenshot, sign_in
from .test_outbox_and_queue import fill_grooming_concern

pytestmark = pytest.mark.e2e

PROMPT = "The duty manager may not have been alerted — phone the duty desk"


@pytest.fixture
def dead_worker(live_server):
    """A worker last seen five minutes ago, and none since."""
    seen = (utcnow() - dt.timedelta(minutes=5)).replace(microsecond=0)
    with live_server.app.app_context():
        db.session.add(WorkerHeartbeat(id="e2e-host:4242:dead", started_at=seen, seen_at=seen))
        db.session.commit()
    yield seen
    with live_server.app.app_context():
        db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id == "e2e-host:4242:dead"))
        db.session.commit()


def test_the_phone_says_ring_the_duty_desk_and_the_queue_says_alerts_are_not_sent(
        page, browser, live_server, dead_worker):
    sign_in(page)
    expect(page.get_by_text(PROMPT)).to_be_hidden()
    fill_grooming_concern(page, "CR-DEAD-1")
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    prompt = page.locator("#alerting-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text(PROMPT)
    call = prompt.get_by_role("link", name="Phone the duty desk: 0151 496 0100")
    expect(call).to_have_attribute("href", "tel:01514960100")
    assert prompt.bounding_box()["y"] < 120  # at the top, not below the fold
    screenshot(page, "alerting-delayed-phone")
    # It stays after a reload (the worker may not have rung yet) until they say they have.
    page.reload()
    page.get_by_label("Passcode", exact=True).fill("e2e-passcode-2468")
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator("#alerting-prompt")).to_contain_text(PROMPT)
    page.get_by_role("button", name="I have phoned").click()
    expect(page.locator("#alerting-prompt")).to_be_hidden()

    last_seen = dead_worker.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Europe/London"))
    warning = f"Alerts are not being sent — the alert worker was last seen at {last_seen:%H:%M}"
    manager_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        manager = manager_context.new_page()
        sign_in(manager, "manager")
        manager.get_by_role("link", name="Open the concern queue").click()
        expect(manager.get_by_role("heading", level=1, name="Concern queue")).to_be_visible()
        alert = manager.locator("#alerting-warning")
        expect(alert).to_contain_text(warning)
        expect(manager.get_by_role("link", name=re.compile("CR-DEAD-1"))).to_be_visible()
        # At the top: straight under the page's heading, above the queue.
        heading_box = manager.get_by_role("heading", level=1, name="Concern queue").bounding_box()
        assert alert.bounding_box()["y"] < manager.locator("#queue-list").bounding_box()["y"]
        assert alert.bounding_box()["y"] >= heading_box["y"]
        screenshot(manager, "alerting-delayed-queue")
    finally:
        manager_context.close()

    admin_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        admin = admin_context.new_page()
        sign_in(admin, "admin")
        admin.get_by_role("link", name="Open the admin console").click()
        expect(admin.get_by_role("heading", level=1, name="Admin console")).to_be_visible()
        expect(admin.locator("#alerting-warning")).to_contain_text(warning)
    finally:
        admin_context.close()
