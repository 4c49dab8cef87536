"""A test alert's acknowledgement token: only for a test of the caller's that was actually
sent, only with the endpoint of the subscription it was sent to, within a day of sending, and
once (two taps at once confirm once; an older test's token is spent by a newer confirmation)."""
import datetime as dt
import threading

from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.alerts import confirmations
from backend.alerts.models import AlertJob
from backend.alerts.worker import drain_once
from backend.push import health
from backend.push.models import PushSubscription
from tests.conftest import ApiClient, DEMO_PASSWORD
from tests.push_support import b64url, push_app, receiver, signed_in  # noqa: F401

ACK = "/api/push/test-alerts/ack"


def send_test(push_app, receiver, manager, count=1):
    """Queue a test, deliver it to the local receiver; the decrypted tokens, newest last."""
    before = len(receiver.received)
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    assert drain_once(push_app)["sent"] == count
    return [r.message["test"] for r in receiver.wait_for(before + count)[before:]]


def endpoint(receiver, name):
    return f"{receiver.origin}/push/{name}"


def proof(receiver, name):
    """What the service worker of that browser sends with a token: its subscription's endpoint
    and authentication secret."""
    return {"endpoint": endpoint(receiver, name), "auth": b64url(receiver.keys[name][1])}


def confirmed_at(push_app, name):
    with push_app.app_context():
        return db.session.scalar(select(PushSubscription.confirmed_at).where(
            PushSubscription.endpoint.endswith(f"/{name}")))


def test_a_token_is_accepted_once(push_app, receiver, signed_in):
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    [token] = send_test(push_app, receiver, manager)
    first = manager.post(ACK, {"token": token, **proof(receiver, "phone")})
    assert first.status_code == 200, first.json
    when = confirmed_at(push_app, "phone")
    again = manager.post(ACK, {"token": token, **proof(receiver, "phone")})
    assert again.status_code == 409 and again.json["error"]["code"] == "test_alert_used"
    assert confirmed_at(push_app, "phone") == when
    # A new test gets a new token, which works once in its turn.
    [newer] = send_test(push_app, receiver, manager)
    assert manager.post(ACK, {"token": newer, **proof(receiver, "phone")}).status_code == 200
    assert confirmed_at(push_app, "phone") > when
    with push_app.app_context():
        acks = db.session.scalars(select(AuditEvent).filter_by(action="push_test_acknowledged")).all()
    assert len(acks) == 2


def test_an_older_tests_token_is_spent_by_a_newer_confirmation(push_app, receiver, signed_in):
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    [older] = send_test(push_app, receiver, manager)
    [newer] = send_test(push_app, receiver, manager)
    assert manager.post(ACK, {"token": newer, **proof(receiver, "phone")}).status_code == 200
    late = manager.post(ACK, {"token": older, **proof(receiver, "phone")})
    assert late.status_code == 409 and late.json["error"]["code"] == "test_alert_used"


def test_two_taps_at_once_confirm_once(push_app, receiver, signed_in):
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    [token] = send_test(push_app, receiver, manager)
    devices = []
    for _ in range(6):  # six sessions of the manager, each with the token and the endpoint
        api = ApiClient(push_app.test_client())
        assert api.login("manager", DEMO_PASSWORD).status_code == 200
        devices.append(api)
    start = threading.Barrier(len(devices))
    statuses = []

    def tap(api):
        start.wait()
        statuses.append(api.post(ACK, {"token": token, **proof(receiver, "phone")}).status_code)

    threads = [threading.Thread(target=tap, args=(api,)) for api in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] + [409] * 5, statuses


def test_a_token_is_bound_to_the_subscription_it_was_sent_to(push_app, receiver, signed_in):
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    manager.post("/api/push/subscriptions", receiver.subscription("laptop"))
    tokens = send_test(push_app, receiver, manager, count=2)
    by_name = {r.name: r.message["test"] for r in receiver.received}
    assert set(by_name.values()) == set(tokens)
    phone, laptop = proof(receiver, "phone"), proof(receiver, "laptop")
    # The phone's token posted by the laptop (its own endpoint and secret); with the phone's
    # endpoint, which the person's session can list, but not its secret; made-up ones.
    for wrong in (laptop, {**phone, "auth": laptop["auth"]}, {**laptop, "endpoint": phone["endpoint"] + "x"},
                  {"endpoint": "https://fcm.googleapis.com/x", "auth": phone["auth"]}):
        response = manager.post(ACK, {"token": by_name["phone"], **wrong})
        assert response.status_code == 404 and response.json["error"]["message"] == confirmations.NOT_FOUND
    listed = {s["endpoint"] for s in manager.get("/api/push/subscriptions").json["subscriptions"]}
    assert phone["endpoint"] in listed  # the endpoint is no secret from the session...
    assert phone["auth"] not in manager.get("/api/push/subscriptions").get_data(as_text=True)  # ...the secret is
    for partial in ({"endpoint": phone["endpoint"]}, {"auth": phone["auth"]}):
        missing = manager.post(ACK, {"token": by_name["phone"], **partial})
        assert missing.status_code == 422 and set(missing.json["error"]["fields"]) == {"endpoint", "auth"} - set(partial)
    assert confirmed_at(push_app, "phone") is None and confirmed_at(push_app, "laptop") is None
    assert manager.post(ACK, {"token": by_name["phone"], **proof(receiver, "phone")}).status_code == 200
    assert confirmed_at(push_app, "phone") is not None and confirmed_at(push_app, "laptop") is None
    # A subscription removed since (the browser unsubscribed) confirms nothing.
    assert manager.client.delete("/api/push/subscriptions", json={"endpoint": laptop["endpoint"]},
                                 headers=manager._headers({"X-CSRFToken": manager.csrf})).status_code == 200
    gone = manager.post(ACK, {"token": by_name["laptop"], **laptop})
    assert gone.status_code == 404


def test_only_a_sent_test_of_ones_own_is_accepted(push_app, receiver, signed_in):
    manager, other = signed_in("manager"), signed_in("manager2")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    other.post("/api/push/subscriptions", receiver.subscription("south"))
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    secret = push_app.config["SECRET_KEY"]
    with push_app.app_context():
        [job] = db.session.scalars(select(AlertJob)).all()
        unsent = health.test_token(secret, job.id)  # a real token of a job still pending
    for status in ("pending", "sending", "failed", "dead", "cancelled"):
        with push_app.app_context():
            db.session.get(AlertJob, job.id).status = status
            db.session.commit()
        response = manager.post(ACK, {"token": unsent, **proof(receiver, "phone")})
        assert response.status_code == 404, status
    # Someone else's sent test: not theirs to confirm, even with the right endpoint.
    [south] = send_test(push_app, receiver, other)
    assert manager.post(ACK, {"token": south, **proof(receiver, "south")}).status_code == 404
    # An alert job (not a test) with a valid token shape: refused.
    with push_app.app_context():
        job = db.session.get(AlertJob, job.id)
        job.kind, job.status, job.sent_at = "alert", "sent", job.created_at
        db.session.commit()
    assert manager.post(ACK, {"token": unsent, **proof(receiver, "phone")}).status_code == 404
    assert confirmed_at(push_app, "phone") is None


def test_a_token_expires_a_day_after_sending(push_app, receiver, signed_in):
    assert confirmations.ACKNOWLEDGE_WITHIN == dt.timedelta(hours=24)
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    [token] = send_test(push_app, receiver, manager)

    def sent_ago(delta):
        with push_app.app_context():
            job = db.session.scalar(select(AlertJob))
            job.sent_at = job.created_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - delta
            db.session.commit()

    sent_ago(dt.timedelta(hours=24, minutes=1))
    late = manager.post(ACK, {"token": token, **proof(receiver, "phone")})
    assert late.status_code == 409 and late.json["error"]["code"] == "test_alert_expired"
    assert "Send a new one" in late.json["error"]["message"]
    assert confirmed_at(push_app, "phone") is None
    sent_ago(dt.timedelta(hours=23, minutes=50))  # a phone that was off overnight
    assert manager.post(ACK, {"token": token, **proof(receiver, "phone")}).status_code == 200


def test_after_new_keys_only_the_browser_holding_them_confirms(push_app, receiver, signed_in):
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("phone"))
    [token] = send_test(push_app, receiver, manager)
    old = proof(receiver, "phone")
    # The same endpoint posted again with new keys (receiver.subscription makes new ones).
    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    # Whoever kept the old keys (and the token they decrypted) confirms nothing.
    assert manager.post(ACK, {"token": token, **old}).status_code == 404
    assert confirmed_at(push_app, "phone") is None
    # The browser that now holds the subscription is the channel: its tap counts.
    assert manager.post(ACK, {"token": token, **proof(receiver, "phone")}).status_code == 200
