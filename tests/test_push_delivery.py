"""Journey 6: an urgent concern synced by a worker reaches the on-duty manager's browsers.

Delivery goes through the real stack — pywebpush, aes128gcm encryption, VAPID — to a
local push receiver (tests/push_support.py) that decrypts with the subscription's keys.
Only plain http on loopback is mocked (no real push service or TLS can exist here);
the app accepts it only in the test configuration, and says so loudly.
"""
import datetime as dt
import re
import time
import uuid

from sqlalchemy import select

from backend.alerts.models import AlertJob
from backend.alerts.worker import drain_once
from backend.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.push_support import push_app, receiver, signed_in, urgent_change, verify_vapid  # noqa: F401

TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def jobs(app, **filters):
    with app.app_context():
        return db.session.scalars(select(AlertJob).filter_by(**filters).order_by(AlertJob.id)).all()


def test_an_urgent_concern_arrives_decrypted_at_every_on_duty_managers_browser(
        push_app, receiver, signed_in):
    manager, other_team = signed_in("manager"), signed_in("manager2")
    for name in ("phone", "desktop"):
        assert manager.post("/api/push/subscriptions", receiver.subscription(name, name)).status_code == 200
    assert other_team.post("/api/push/subscriptions", receiver.subscription("south")).status_code == 200
    assert manager.post("/api/push/duty", {"on_duty": True}).json == {"on_duty": True}
    public_key = manager.get("/api/push/public-key").json["public_key"]

    concern_id = str(uuid.uuid4())
    response = signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id)]})
    assert response.json["results"][0]["result"] == "applied"
    # The sync request itself sends nothing: it only wrote the jobs, with the concern.
    assert receiver.received == []
    queued = jobs(push_app, concern_id=concern_id)
    assert [(j.kind, j.status) for j in queued] == [("alert", "pending")] * 2

    assert drain_once(push_app) == {"sent": 2}
    received = receiver.wait_for(2)
    assert sorted(r.name for r in received) == ["desktop", "phone"]
    for request in received:
        message = request.message
        assert message["concern"] == concern_id
        assert message["kind"] == "alert" and message["urgency"] in ("immediate", "urgent")
        assert set(message) == {"v", "kind", "concern", "urgency", "team", "phoned", "title"}
        assert message["phoned"] is False  # nobody recorded a call to the duty desk
        assert "CR-1" not in request.plaintext and "concern_specific_child" not in request.plaintext
        assert "Wren" not in request.plaintext and "worker" not in request.plaintext
        assert len(request.body) < 3072
        assert request.headers["Content-Encoding"] == "aes128gcm"
        assert int(request.headers["TTL"]) > 0
        assert request.headers["Urgency"] == "high"
        assert TOPIC.match(request.headers["Topic"]) and concern_id not in request.headers["Topic"]
        claims, key = verify_vapid(request.headers["Authorization"])
        assert key == public_key
        assert claims["aud"] == receiver.origin
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        assert claims["sub"] == "mailto:duty-desk@example.org"
    assert len({r.headers["Topic"] for r in received}) == 1  # one topic per concern

    statuses = signed_in("admin").get(f"/api/push/jobs?concern_id={concern_id}").json
    assert [j["status"] for j in statuses["jobs"]] == ["sent", "sent"]
    assert statuses["counts"] == {"sent": 2}


def test_managers_of_the_team_are_all_alerted_when_none_is_on_duty(push_app, receiver, signed_in):
    manager = signed_in("manager")
    manager.post("/api/push/subscriptions", receiver.subscription("north"))
    signed_in("admin").post("/api/push/subscriptions", receiver.subscription("admin"))
    concern_id = str(uuid.uuid4())
    signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id)]})
    # Nobody on duty: every manager of the team, and not the admin (admins get escalations).
    assert [j.subscription_id is not None for j in jobs(push_app, concern_id=concern_id)] == [True]
    drain_once(push_app)
    assert [r.name for r in receiver.wait_for(1)] == ["north"]


def test_only_the_on_duty_manager_is_alerted_when_one_is_on_duty(push_app, receiver, signed_in):
    from backend.accounts.service import create_user
    with push_app.app_context():
        create_user("manager3", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    on_duty, off_duty = signed_in("manager"), signed_in("manager3")
    on_duty.post("/api/push/subscriptions", receiver.subscription("on"))
    off_duty.post("/api/push/subscriptions", receiver.subscription("off"))
    on_duty.post("/api/push/duty", {"on_duty": True})
    signed_in("worker").post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()))]})
    drain_once(push_app)
    assert [r.name for r in receiver.wait_for(1)] == ["on"]


def test_a_draft_or_non_urgent_concern_queues_nothing(push_app, receiver, signed_in):
    signed_in("manager").post("/api/push/subscriptions", receiver.subscription("phone"))
    draft = {**urgent_change(str(uuid.uuid4())), "status": "draft"}
    calm = {**urgent_change(str(uuid.uuid4())), "answers": {"case_reference": "CR-1"}}
    results = signed_in("worker").post("/api/sync", {"changes": [draft, calm]}).json["results"]
    assert [r["result"] for r in results] == ["applied", "applied"]
    assert jobs(push_app) == []
    assert drain_once(push_app, now=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) == {}


def test_every_urgent_concern_of_one_batch_is_alerted_on_its_own(push_app, receiver, signed_in):
    """Who is on call is looked up once for a batch's urgent concerns, but each
    concern still gets its own job per subscription and its own notification."""
    manager = signed_in("manager")
    for name in ("phone", "desktop"):
        manager.post("/api/push/subscriptions", receiver.subscription(name, name))
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    calm = {**urgent_change(str(uuid.uuid4())), "answers": {"case_reference": "CR-1"}}
    results = signed_in("worker").post("/api/sync", {"changes": [
        urgent_change(first), calm, urgent_change(second, "CR-2")]}).json["results"]
    assert [r["result"] for r in results] == ["applied"] * 3
    assert [(j.concern_id, j.kind) for j in jobs(push_app)] == [(first, "alert")] * 2 + [(second, "alert")] * 2
    assert drain_once(push_app) == {"sent": 4}
    received = receiver.wait_for(4)
    assert sorted((r.message["concern"], r.name) for r in received) == sorted(
        [(first, "desktop"), (first, "phone"), (second, "desktop"), (second, "phone")])
