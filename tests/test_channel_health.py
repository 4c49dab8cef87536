"""Alert channels known to work: the worker records each delivery on the subscription, a test
alert proves a channel end to end, and the queue hears when nobody on duty can be reached."""
import datetime as dt
import uuid

from sqlalchemy import select

from backend.accounts.models import User
from backend.alerts.models import AlertJob
from backend.alerts.worker import drain_once
from backend.extensions import db
from backend.push import health
from backend.push.models import PushSubscription
from tests.push_support import b64url, push_app, receiver, signed_in, urgent_change  # noqa: F401


def listed(api) -> dict:
    return {s["endpoint"].rsplit("/", 1)[-1]: s["health"]
            for s in api.get("/api/push/subscriptions").json["subscriptions"]}


def urgent(signed_in, case_reference="CR-H") -> str:
    concern_id = str(uuid.uuid4())
    result = signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id, case_reference)]})
    assert result.json["results"][0]["result"] == "applied"
    return concern_id


def test_a_new_channel_is_unknown_a_delivered_one_working_a_refused_one_failed(push_app, receiver, signed_in):
    manager = signed_in("manager")
    for name in ("good", "refused", "busy", "expired"):
        assert manager.post("/api/push/subscriptions", receiver.subscription(name)).status_code == 200
    assert listed(manager) == dict.fromkeys(("good", "refused", "busy", "expired"), "unknown")
    receiver.script("refused", 403)   # VAPID refused: a failure of this channel
    receiver.script("busy", 503)      # retried later: not yet a failure
    receiver.script("expired", 410)   # the push service says gone: the row is deleted
    urgent(signed_in)
    assert drain_once(push_app) == {"sent": 1, "failed": 1, "pending": 1, "dead": 1}
    assert listed(manager) == {"good": "working", "refused": "failed", "busy": "unknown"}
    with push_app.app_context():
        refused = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint.endswith("/refused")))
        assert refused.last_failure == "push service answered 403" and refused.last_success_at is None


def test_working_lapses_after_the_healthy_window_and_a_later_failure_overrides_it(push_app, receiver, signed_in):
    manager = signed_in("manager")
    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    start = dt.datetime(2030, 1, 7, 9, 0)
    urgent(signed_in)
    assert drain_once(push_app, now=start) == {"sent": 1}
    with push_app.app_context():
        sub = db.session.scalar(select(PushSubscription))
        assert health.state(sub, start + dt.timedelta(days=6, hours=23), healthy_days=7) == "working"
        assert health.state(sub, start + dt.timedelta(days=7, minutes=1), healthy_days=7) == "unknown"
        sub.last_failure_at = start + dt.timedelta(hours=1)
        assert health.state(sub, start + dt.timedelta(hours=2), healthy_days=7) == "failed"


def test_send_me_a_test_alert_reaches_my_channels_only_and_its_acknowledgement_proves_them(
        push_app, receiver, signed_in):
    manager, other = signed_in("manager"), signed_in("manager2")
    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    assert other.post("/api/push/subscriptions", receiver.subscription("south")).status_code == 200
    response = manager.post("/api/push/test-alerts", {})
    assert response.status_code == 200 and response.json == {"queued": 1}
    # A second tap while the first is on its way queues nothing more.
    assert manager.post("/api/push/test-alerts", {}).json == {"queued": 1}
    with push_app.app_context():
        [job] = db.session.scalars(select(AlertJob)).all()
        assert (job.kind, job.concern_id, job.status) == ("test", None, "pending")

    assert drain_once(push_app) == {"sent": 1}
    [received] = receiver.wait_for(1)
    assert received.name == "phone"
    message = received.message
    assert set(message) == {"v", "kind", "test", "title"} and message["kind"] == "test"
    assert message["title"] == "SafeVisit test alert"
    assert listed(manager) == {"phone": "working"}  # the push service took it

    # Someone else (or a made-up token) cannot acknowledge it.
    phone = f"{receiver.origin}/push/phone"
    auth = b64url(receiver.keys["phone"][1])
    assert other.post("/api/push/test-alerts/ack", {"token": message["test"], "endpoint": phone, "auth": auth}).status_code == 404
    forged = message["test"].split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAAAA"
    assert manager.post("/api/push/test-alerts/ack", {"token": forged, "endpoint": phone, "auth": auth}).status_code == 404
    assert manager.post("/api/push/test-alerts/ack", {"token": "../../etc", "endpoint": phone, "auth": auth}).status_code == 404
    with push_app.app_context():
        assert db.session.scalar(select(PushSubscription.confirmed_at).where(
            PushSubscription.endpoint.endswith("/phone"))) is None

    # The notification's tap sends the token back: the whole path works, phone included.
    response = manager.post("/api/push/test-alerts/ack", {"token": message["test"], "endpoint": phone, "auth": auth})
    assert response.status_code == 200 and response.json["ok"] is True
    [row] = manager.get("/api/push/subscriptions").json["subscriptions"]
    assert row["health"] == "working" and row["confirmed_at"] is not None
    assert listed(other) == {"south": "unknown"}  # nothing went to anyone else


def test_a_test_alert_after_a_failure_makes_the_channel_working_again(push_app, receiver, signed_in):
    manager = signed_in("manager")
    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    receiver.script("phone", 400)
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    assert drain_once(push_app) == {"failed": 1}
    assert listed(manager) == {"phone": "failed"}
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    assert drain_once(push_app) == {"sent": 1}
    assert listed(manager) == {"phone": "working"}


def test_a_test_alert_with_no_channel_is_refused(push_app, signed_in):
    response = signed_in("manager").post("/api/push/test-alerts", {})
    assert response.status_code == 409 and response.json["error"]["code"] == "no_push_subscription"
    with push_app.app_context():
        assert db.session.scalars(select(AlertJob)).all() == []


def test_workers_cannot_send_test_alerts_or_read_coverage(signed_in):
    worker = signed_in("worker")
    assert worker.post("/api/push/test-alerts", {}).status_code == 403
    assert worker.post("/api/push/test-alerts/ack", {"token": "1.abc", "endpoint": "https://x.example/1", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}).status_code == 403
    assert worker.get("/api/push/coverage").status_code == 403


def test_new_keys_for_a_known_endpoint_forget_what_was_proven(push_app, receiver, signed_in):
    manager = signed_in("manager")
    first = receiver.subscription("phone")
    assert manager.post("/api/push/subscriptions", first).status_code == 200
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    assert drain_once(push_app) == {"sent": 1}
    assert listed(manager) == {"phone": "working"}
    again = receiver.subscription("phone")  # the same endpoint, new keys
    assert manager.post("/api/push/subscriptions", again).status_code == 200
    assert listed(manager) == {"phone": "unknown"}


def test_the_queue_hears_when_nobody_on_duty_has_a_working_channel(push_app, receiver, signed_in):
    manager, admin = signed_in("manager"), signed_in("admin")
    coverage = manager.get("/api/push/coverage").json["teams"]
    assert coverage == [{"id": coverage[0]["id"], "name": "North", "on_duty": 1, "reachable": 0, "covered": False}]
    # Admins hear about every team.
    assert {t["name"]: t["covered"] for t in admin.get("/api/push/coverage").json["teams"]} == {
        "North": False, "South": False}

    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    assert manager.get("/api/push/coverage").json["teams"][0]["covered"] is False  # not yet proven
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    assert drain_once(push_app) == {"sent": 1}
    assert manager.get("/api/push/coverage").json["teams"][0] == {
        **coverage[0], "reachable": 1, "covered": True}
    assert {t["name"]: t["covered"] for t in admin.get("/api/push/coverage").json["teams"]} == {
        "North": True, "South": False}


def test_coverage_counts_only_who_an_alert_goes_to_now(push_app, receiver, signed_in):
    """alerts.duty_managers decides who is on duty: a second manager on duty without a working
    channel makes the team uncovered only if they are the one alerts go to."""
    from backend.accounts.service import create_user
    with push_app.app_context():
        create_user("manager3", "a-long-enough-password", "duty_manager", "North", "Ola Manager")
        db.session.commit()
    manager = signed_in("manager")
    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    assert manager.post("/api/push/test-alerts", {}).status_code == 200
    assert drain_once(push_app) == {"sent": 1}
    # Nobody on duty: every manager is alerted, and one of them can be reached.
    assert manager.get("/api/push/coverage").json["teams"][0]["covered"] is True
    with push_app.app_context():
        other = db.session.scalar(select(User).filter_by(username="manager3"))
        other.on_duty = True  # only manager3 is alerted now, and has no channel
        db.session.commit()
    [north] = manager.get("/api/push/coverage").json["teams"]
    assert (north["on_duty"], north["reachable"], north["covered"]) == (1, 0, False)
