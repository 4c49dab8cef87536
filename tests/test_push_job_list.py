"""`GET /api/push/jobs`, as the admin console's "Alert deliveries" screen reads it: each job
says whom it was for and which browser, why it last failed and when it is tried next, and
nothing about the concern beyond its random id.

Against the local receiver of tests/push_support.py (plain http on loopback is the one thing
mocked); the jobs are queued by a real urgent sync and sent by the real worker.
"""
import json
import uuid

from backend.alerts.worker import drain_once
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401


def queue_alerts(receiver, signed_in, *names) -> str:
    """The manager subscribed once per name (labelled by it), then one urgent concern synced."""
    manager = signed_in("manager")
    for name in names:
        assert manager.post("/api/push/subscriptions", receiver.subscription(name, label=f"Phone {name}")).status_code == 200
    concern_id = str(uuid.uuid4())
    change = {**urgent_change(concern_id, "CR-SECRET-77"), "notes": "Uncle Bryn sent the pictures"}
    [result] = signed_in("worker").post("/api/sync", {"changes": [change]}).json["results"]
    assert result["result"] == "applied", result
    return concern_id


def test_each_job_names_its_recipient_browser_and_last_error_and_no_concern_detail(push_app, receiver, signed_in):
    concern_id = queue_alerts(receiver, signed_in, "fine", "refused", "gone", "busy")
    receiver.script("refused", 400)
    receiver.script("gone", 410)
    receiver.script("busy", 503)
    assert drain_once(push_app) == {"sent": 1, "failed": 1, "dead": 1, "pending": 1}

    answer = signed_in("admin").get("/api/push/jobs")
    assert answer.status_code == 200
    body = answer.json
    assert body["counts"] == {"sent": 1, "failed": 1, "dead": 1, "pending": 1}
    by_label = {job["device_label"]: job for job in body["jobs"]}
    assert set(by_label) == {"Phone fine", "Phone refused", None, "Phone busy"}  # the gone one's row is deleted
    for job in body["jobs"]:
        assert job["recipient"]["display_name"] == "Morgan Manager"
        assert job["recipient"]["username"] == "manager"
        assert job["concern_id"] == concern_id and job["kind"] == "alert" and job["attempts"] == 1
        assert job["lease_expires_at"] is None  # nobody holds it between attempts
    refused = by_label["Phone refused"]
    assert (refused["status"], refused["last_status_code"], refused["last_error"]) == (
        "failed", 400, "push service answered 400")
    dead = by_label[None]
    assert (dead["status"], dead["last_status_code"], dead["subscription_id"]) == ("dead", 410, None)
    assert dead["last_error"] == "push service answered 410: subscription expired"
    busy = by_label["Phone busy"]
    assert busy["status"] == "pending" and busy["next_attempt_at"] > busy["created_at"]
    # The screen shows this to an admin: never the case reference or what the worker wrote.
    text = json.dumps(body)
    assert "CR-SECRET-77" not in text and "Bryn" not in text


def test_filters_narrow_the_list_and_the_counts_stay_whole(push_app, receiver, signed_in):
    queue_alerts(receiver, signed_in, "fine", "gone")
    receiver.script("gone", 410)
    drain_once(push_app)
    admin = signed_in("admin")
    dead = admin.get("/api/push/jobs?status=dead").json
    assert [job["status"] for job in dead["jobs"]] == ["dead"]
    assert dead["counts"] == {"sent": 1, "dead": 1}
    assert admin.get("/api/push/jobs?kind=test").json["jobs"] == []
    assert len(admin.get("/api/push/jobs?kind=alert").json["jobs"]) == 2
    assert admin.get("/api/push/jobs?kind=other").status_code == 422


def test_the_document_declares_what_the_screen_reads(push_app):
    document = push_app.test_client().get("/api/openapi.json").json
    job = document["components"]["schemas"]["Job"]["properties"]
    assert {"recipient", "device_label", "lease_expires_at", "last_error"} <= set(job)
    assert job["status"]["enum"] == ["pending", "sending", "sent", "failed", "dead", "cancelled"]
    assert job["kind"]["enum"] == ["alert", "escalation", "test"]


def test_people_without_every_team_are_refused(push_app, signed_in):
    for username in ("carer", "worker", "manager"):
        assert signed_in(username).get("/api/push/jobs").status_code == 403, username
