"""Journey 6 in the browser: a duty manager turns alerts on, a push reaches the service
worker, a notification shows, and opening it shows the concern (after the lock).

What is real and what is not, plainly:

- Headless Chromium has no push service, so `pushManager.subscribe()` cannot succeed. An
  init script replaces `PushManager.prototype.subscribe/getSubscription` in the page with a
  stub that returns a subscription whose keys this test generated (P-256 key and 16-byte
  auth secret, from tests/push_support.Receiver) and whose endpoint is the local receiver.
  Everything after that is real: the app posts `toJSON()` to the server, the server stores
  it, a worker's urgent concern queues an alert, the push worker encrypts and sends it with
  pywebpush, and the receiver decrypts it with http_ece.
- The decrypted payload is then delivered to the page's real service worker with the
  DevTools Protocol (`ServiceWorker.deliverPushMessage`), which fires its `push` event.
- No tool can click a real notification. The test reads the notification the worker showed
  (`registration.getNotifications()`) and calls `openConcern(notification.data)` inside the
  service worker — the same function its `notificationclick` listener calls (the listener's
  wiring is covered by pwa/tests/push-sw.test.mjs).

The live server here accepts the loopback receiver (PUSH_TEST_RECEIVER, test config only)
and has its own VAPID key, so this module brings its own `live_server`.
"""
import json
import uuid

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlalchemy import delete, select

from backend.accounts.models import User
from backend.alerts.worker import drain_once
from backend.extensions import db
from backend.push.models import PushSubscription
from tests.conftest import ApiClient
from tests.push_support import Receiver, urgent_change
from tests.waiting import wait_until

from .conftest import PASSWORD, LiveServer, screenshot, serious_violations, sign_in, unlock

pytestmark = pytest.mark.e2e

LAST_ENDPOINT = "safevisit-push-endpoint"  # pwa/js/alerts.js
# Stands in for the browser's push service (see the module docstring). State lives in
# localStorage so a reload sees the same subscription, as a real browser would.
STUB = """(() => {
  const SUB = __SUBSCRIPTION__;
  const STATE = "__stubPush", CALLS = "__stubPushCalls";
  const b64 = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const make = (key) => ({
    endpoint: SUB.endpoint, expirationTime: null,
    options: { userVisibleOnly: true,
      applicationServerKey: Uint8Array.from(atob(key.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)).buffer },
    toJSON: () => JSON.parse(JSON.stringify(SUB)),
    unsubscribe: async () => { localStorage.removeItem(STATE); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = b64(new Uint8Array(options.applicationServerKey));
    const calls = JSON.parse(localStorage.getItem(CALLS) || "[]");
    calls.push({ userVisibleOnly: options.userVisibleOnly, key });
    localStorage.setItem(CALLS, JSON.stringify(calls));
    localStorage.setItem(STATE, key);
    return make(key);
  };
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(STATE);
    return key ? make(key) : null;
  };
})();"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's server: accepts the loopback receiver and has a VAPID key."""
    directory = tmp_path_factory.mktemp("e2e-push")
    server = LiveServer(directory / "e2e.sqlite3", PUSH_TEST_RECEIVER=True,
                        VAPID_PRIVATE_KEY_FILE=str(directory / "vapid.pem"),
                        VAPID_SUBJECT="mailto:duty-desk@example.org", PUSH_SEND_TIMEOUT=5.0)
    result = server.app.test_cli_runner().invoke(args=["push", "init"])
    assert result.exit_code == 0, result.output
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def manager_page(context, page, receiver, live_server):
    """A phone that allows notifications, with the stubbed push service, and no push state
    left on the server by an earlier test."""
    with live_server.app.app_context():
        manager = db.session.scalar(select(User).filter_by(username="manager"))
        db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == manager.id))
        manager.on_duty = False
        db.session.commit()
    context.grant_permissions(["notifications"], origin=live_server.url)
    subscription = receiver.subscription("phone")
    page.add_init_script(STUB.replace("__SUBSCRIPTION__", json.dumps(subscription)))
    page.subscription = subscription
    return page


def stored(live_server, username="manager") -> list[dict]:
    with live_server.app.app_context():
        user = db.session.scalar(select(User).filter_by(username=username))
        rows = db.session.scalars(select(PushSubscription).filter_by(user_id=user.id)
                                  .order_by(PushSubscription.id)).all()
        db.session.commit()
        return [{"endpoint": r.endpoint, "p256dh": r.p256dh, "auth": r.auth,
                 "device_label": r.device_label} for r in rows]


def on_duty(live_server, username="manager") -> bool:
    with live_server.app.app_context():
        value = db.session.scalar(select(User.on_duty).filter_by(username=username))
        db.session.commit()
        return value


def open_queue(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.get_by_role("heading", level=1, name="Concern queue")).to_be_visible()
    return page.get_by_role("region", name="Alerts on this phone")


def subscribe_calls(page) -> list[dict]:
    return page.evaluate("JSON.parse(localStorage.getItem('__stubPushCalls') || '[]')")


def test_alerts_go_on_after_a_tap_follow_every_open_and_go_off(manager_page, live_server, receiver):
    page = manager_page
    sign_in(page, "manager")
    card = open_queue(page)
    expect(card.locator("#alerts-state")).to_contain_text("Off")
    expect(card.locator("#duty-state")).to_contain_text("You are off duty.")
    # Permission is already granted, yet opening the app subscribed nothing: only a tap does.
    assert subscribe_calls(page) == [] and stored(live_server) == []
    assert serious_violations(page) == []

    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("On")
    expect(card.get_by_role("button", name="Turn off alerts")).to_be_focused()
    public_key = page.evaluate("fetch('/api/push/public-key').then((r) => r.json())")["public_key"]
    assert subscribe_calls(page) == [{"userVisibleOnly": True, "key": public_key}]
    sub = page.subscription
    [row] = stored(live_server)
    assert (row["endpoint"], row["p256dh"], row["auth"]) == (
        sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
    assert row["device_label"]  # the platform, so the manager can tell devices apart

    card.get_by_role("button", name="Go on duty").click()
    expect(card.locator("#duty-state")).to_contain_text("You are on duty.")
    assert on_duty(live_server)
    assert serious_violations(page) == []
    screenshot(page, "queue-alerts-on")

    # Every open re-posts the subscription; a changed endpoint replaces the old one. Here
    # the server lost this phone's row, and an older endpoint of this phone is still stored.
    manager = ApiClient(live_server.app.test_client())
    assert manager.login("manager", PASSWORD).status_code == 200
    old = receiver.subscription("old-phone")
    assert manager.post("/api/push/subscriptions", old).status_code == 200
    assert manager.client.delete("/api/push/subscriptions", json={"endpoint": sub["endpoint"]},
                                 headers={"X-CSRFToken": manager.csrf}).status_code == 200
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [LAST_ENDPOINT, old["endpoint"]])
    page.reload()
    unlock(page)
    wait_until(lambda: [r["endpoint"] for r in stored(live_server)] == [sub["endpoint"]])
    assert len(subscribe_calls(page)) == 1  # the browser's subscription was kept, not remade

    card = open_queue(page)
    card.get_by_role("button", name="Turn off alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("Off")
    assert stored(live_server) == []
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription())") is None
    # Off stays off: the next open does not subscribe again.
    page.reload()
    unlock(page)
    card = open_queue(page)
    expect(card.locator("#alerts-state")).to_contain_text("Off")
    assert stored(live_server) == [] and len(subscribe_calls(page)) == 1


def test_turning_alerts_off_while_an_open_is_still_renewing_them_leaves_them_off(manager_page, live_server):
    page = manager_page
    sign_in(page, "manager")
    open_queue(page).get_by_role("button", name="Turn on alerts").click()
    expect(open_queue(page).locator("#alerts-state")).to_contain_text("On")
    # The next open renews the subscription; its post to the server is held in flight.
    held = []
    page.route("**/api/push/subscriptions",
               lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    page.reload()
    unlock(page)
    wait_until(lambda: page.wait_for_timeout(50) or held, what="the renewal to reach the network")
    card = open_queue(page)
    removal = lambda request: request.method == "DELETE" and request.url.endswith("/api/push/subscriptions")
    try:
        # Without one-at-a-time, the tap's removal goes out at once, ahead of the held renewal.
        # With it, the tap waits for the renewal, so no removal comes in this window: the
        # window only bounds how long the test gives the faulty order to show itself.
        with page.expect_request(removal, timeout=5_000):
            card.get_by_role("button", name="Turn off alerts").click()
    except PlaywrightTimeoutError:
        pass
    renewal = lambda response: response.request.method == "POST" and response.url.endswith("/api/push/subscriptions")
    with page.expect_response(renewal):
        held[0].continue_()  # the renewal lands after the tap: it must not undo it
    expect(card.locator("#alerts-state")).to_contain_text("Off")  # drawn once the tap's work is done
    assert stored(live_server) == []
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription())") is None
    assert len(held) == 1  # the tap did not post anything again


def test_signing_out_removes_this_phones_subscription_before_the_wipe(manager_page, live_server):
    page = manager_page
    sign_in(page, "manager")
    card = open_queue(page)
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("On")
    assert len(stored(live_server)) == 1

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    assert stored(live_server) == []
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription())") is None
    assert page.evaluate(f"localStorage.getItem('{LAST_ENDPOINT}')") is None


def service_worker_registration_id(context, page, live_server) -> tuple:
    cdp = context.new_cdp_session(page)
    registrations = {}
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.update({r["scopeURL"]: r["registrationId"]
                                               for r in event["registrations"] if not r["isDeleted"]}))
    cdp.send("ServiceWorker.enable")
    wait_until(lambda: page.wait_for_timeout(50) or f"{live_server.url}/" in registrations)
    return cdp, registrations[f"{live_server.url}/"]


def notifications(page) -> list[dict]:
    return page.evaluate("""async () => (await (await navigator.serviceWorker.ready).getNotifications())
        .map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data,
                       requireInteraction: n.requireInteraction, renotify: n.renotify }))""")


def click_notification(context):
    """What the service worker's notificationclick listener does, minus the real tap."""
    [worker] = context.service_workers
    return worker.evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        notification.close();
        await openConcern(notification.data);
        return notification.data;
    }""")


def test_a_pushed_alert_shows_a_notification_that_opens_the_concern_after_unlock(
        manager_page, context, live_server, receiver):
    page = manager_page
    sign_in(page, "manager")
    card = open_queue(page)
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("On")
    card.get_by_role("button", name="Go on duty").click()
    expect(card.locator("#duty-state")).to_contain_text("You are on duty.")

    # A field worker's urgent concern reaches the server through /api/sync ...
    concern_id = str(uuid.uuid4())
    worker = ApiClient(live_server.app.test_client())
    assert worker.login("worker", PASSWORD).status_code == 200
    response = worker.post("/api/sync", {"changes": [urgent_change(concern_id, "CR-PUSH-1")]})
    assert response.json["results"][0]["result"] == "applied"
    # ... the push worker sends it, encrypted, and the receiver decrypts it.
    assert drain_once(live_server.app) == {"sent": 1}
    [received] = receiver.wait_for(1)
    assert received.name == "phone" and received.message["concern"] == concern_id
    assert "CR-PUSH-1" not in received.plaintext

    cdp, registration_id = service_worker_registration_id(context, page, live_server)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration_id, "data": received.plaintext})
    wait_until(lambda: len(notifications(page)) == 1)
    [shown] = notifications(page)
    assert shown == {"title": "Urgent safeguarding concern — open SafeVisit",
                     "body": "Open SafeVisit to see it.", "tag": f"concern-{concern_id}",
                     "data": {"concern": concern_id}, "requireInteraction": True, "renotify": True}

    # Tapped while SafeVisit is open and unlocked on another page: it routes there in place.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible()
    assert click_notification(context) == {"concern": concern_id}
    expect(page.get_by_role("heading", level=1, name="Concern CR-PUSH-1")).to_be_visible()
    assert page.url == f"{live_server.url}/concerns/{concern_id}"
    assert notifications(page) == []

    # Tapped while SafeVisit is locked: the passcode comes first, then the concern.
    page.goto("/")  # a fresh load: the data key is gone from memory until the passcode
    expect(page.get_by_role("heading", level=1, name="SafeVisit is locked")).to_be_visible()
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration_id, "data": received.plaintext})
    wait_until(lambda: len(notifications(page)) == 1)
    click_notification(context)
    expect(page).to_have_url(f"{live_server.url}/concerns/{concern_id}")
    expect(page.get_by_role("heading", level=1, name="SafeVisit is locked")).to_be_visible()
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Concern CR-PUSH-1")).to_be_visible()
    screenshot(page, "concern-from-alert")


def test_a_push_with_no_usable_payload_still_shows_the_generic_notification(manager_page, context, live_server):
    page = manager_page
    sign_in(page, "manager")
    cdp, registration_id = service_worker_registration_id(context, page, live_server)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration_id, "data": "not json"})
    wait_until(lambda: len(notifications(page)) == 1)
    [shown] = notifications(page)
    assert shown["title"] == "Urgent safeguarding concern — open SafeVisit"
    assert shown["tag"] == "safevisit-alert" and shown["data"] == {"concern": None}
    click_notification(context)
    expect(page.get_by_role("heading", level=1, name="Concern queue")).to_be_visible()


def test_refused_notifications_show_as_blocked_and_store_nothing(context, page, live_server, receiver):
    # No permission granted to this context: headless Chromium refuses the prompt, as a
    # manager tapping "Block" would.
    page.add_init_script(STUB.replace("__SUBSCRIPTION__", json.dumps(receiver.subscription("refused"))))
    sign_in(page, "manager2")
    card = open_queue(page)
    expect(card.locator("#alerts-state")).to_contain_text("Off")
    card.get_by_role("button", name="Turn on alerts").click()
    expect(card.locator("#alerts-state")).to_contain_text("Blocked")
    expect(card.locator("#alerts-state")).to_contain_text("Allow them there")
    expect(card.get_by_role("button", name="Turn on alerts")).to_have_count(0)
    assert subscribe_calls(page) == [] and stored(live_server, "manager2") == []
    assert serious_violations(page) == []
