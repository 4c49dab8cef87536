"""The duty manager's queue at 2 a.m., on a phone: the concern is in view as
the queue opens, above the warnings (alerts that may reach nobody, this phone's alerts), which
are compact below it with a one-line pointer at the top; "Turn on alerts" says what it is doing,
stops waiting after a while and says what to do instead; the escalation chain promises no text
message when this server sends none."""
import json
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from backend.accounts.models import User
from backend.extensions import db
from backend.push.models import PushSubscription

from .conftest import sign_in
from .test_desk_forms import submitted
from .test_push_alerts import live_server  # noqa: F401 (this module's server: VAPID key, SMS off)

pytestmark = pytest.mark.e2e

# A browser whose push service never answers: subscribe() stays pending, as on a poor connection.
SILENT_PUSH_SERVICE = """(() => {
  PushManager.prototype.subscribe = () => new Promise(() => {});
  PushManager.prototype.getSubscription = async () => null;
})();"""


@pytest.fixture
def quiet_manager(live_server):
    """The North manager with no alert channel: the coverage warning shows."""
    with live_server.app.app_context():
        manager = db.session.scalar(select(User).filter_by(username="manager"))
        db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == manager.id))
        manager.on_duty = False
        db.session.commit()


def test_the_concern_is_in_view_when_the_queue_opens_above_the_warnings(page, live_server, quiet_manager):
    reference = f"CR-NIGHT-{uuid.uuid4().hex[:4]}"
    submitted(live_server, reference)
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    item = page.get_by_role("list", name="Concerns").get_by_role("link", name=re.compile(reference))
    expect(item).to_be_visible()
    box = item.bounding_box()
    tabbar = page.locator("#tabbar").bounding_box()
    assert box["y"] + box["height"] <= tabbar["y"], (box, tabbar)  # in view, above the tab bar, unscrolled
    assert page.evaluate("scrollY") == 0
    # The warnings come after the concerns, compact; a line at the top points to them.
    warning = page.locator("#coverage-warning")
    expect(warning).to_contain_text("none of the 1 manager an alert goes to now has an alert channel known to work")
    card = page.get_by_role("region", name="Alerts on this phone")
    list_box = page.locator("#queue-list").bounding_box()
    assert warning.bounding_box()["y"] > list_box["y"] + list_box["height"] - 1
    assert card.bounding_box()["y"] > list_box["y"] + list_box["height"] - 1
    assert warning.bounding_box()["height"] < 260  # compact
    page.get_by_role("link", name=re.compile("Urgent alerts may reach nobody")).click()
    expect(warning).to_be_focused()
    expect(warning).to_be_in_viewport()


def test_turning_on_alerts_shows_progress_then_stops_waiting_and_says_what_to_do(context, page, live_server, quiet_manager):
    context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(SILENT_PUSH_SERVICE)
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    card = page.get_by_role("region", name="Alerts on this phone")
    button = card.locator("#alerts-toggle")
    expect(button).to_have_text("Turn on alerts")
    page.clock.install()
    button.click()
    # Progress, in words, while the browser works (not a greyed button with no message).
    expect(button).to_have_text("Turning on alerts…")
    expect(button).to_be_disabled()
    expect(card.locator("#alerts-progress")).to_contain_text("push service")
    page.clock.run_for(21_000)
    expect(card.locator("#alerts-error")).to_contain_text("Alerts did not turn on")
    expect(card.locator("#alerts-error")).to_contain_text("20 seconds")
    expect(card.locator("#alerts-help")).to_contain_text("keep this screen open")
    expect(card.get_by_role("link", name=re.compile("alert texts to your mobile"))).to_be_visible()
    expect(card.locator("#alerts-toggle")).to_be_enabled()
    expect(card.locator("#alerts-toggle")).to_have_text("Turn on alerts")


def test_the_escalation_chain_promises_no_text_when_sms_is_off(page, live_server):
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    page.get_by_role("link", name="On call: rota and text alerts").click()
    chain = page.locator("#escalation-chain")
    expect(chain).to_contain_text("After 10 minutes: the secondary on call.")
    expect(chain).not_to_contain_text("also by text message")
    expect(chain.locator("#chain-no-sms")).to_have_text("Text messages are off on this server: every step is a push alert only.")
