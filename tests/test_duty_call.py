""""I have phoned": the worker's call to the duty desk travels with the concern, is checked on
the server, shows on the manager's side, and turns the alert into "already phoned"."""
import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from backend.alerts.worker import drain_once
from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401


def iso(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def call(**overrides) -> dict:
    return {"phoned_at": iso(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=3)),
            "desk": "out_of_hours", "number": "0151 496 0900", "spoke_to": "Jo at the EDT", **overrides}


def test_the_call_is_stored_with_the_concern_and_shown_to_the_teams_manager(app, device):
    worker, manager = device("worker"), device("manager")
    concern_id = str(uuid.uuid4())
    day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).date().isoformat()
    recorded = call(phoned_at=f"{day}T14:02:31.250+00:00")
    # A draft first (as the phone saves it), without the call yet ...
    draft = {**urgent_change(concern_id, "CR-CALL-1"), "status": "draft"}
    assert worker.post("/api/sync", {"changes": [draft]}).json["results"][0]["result"] == "applied"
    # ... then the submission, carrying the call recorded offline.
    with_call = {**urgent_change(concern_id, "CR-CALL-1"), "base_version": 1, "duty_call": recorded}
    result = worker.post("/api/sync", {"changes": [with_call]}).json["results"][0]
    assert result["result"] == "applied", result
    stored = {"phoned_at": f"{day}T14:02:31Z", "desk": "out_of_hours",
              "number": "0151 496 0900", "spoke_to": "Jo at the EDT"}
    assert worker.get(f"/api/concerns/{concern_id}").json["duty_call"] == stored

    assert manager.get(f"/api/concerns/{concern_id}").json["duty_call"] == stored
    [queued] = [c for c in manager.get("/api/queue").json["concerns"] if c["id"] == concern_id]
    assert queued["phoned"] is True
    entries = manager.get("/api/cases/CR-CALL-1/chronology").json["entries"]
    [phoned] = [e for e in entries if e["kind"] == "phoned"]
    assert phoned["at"].startswith(f"{day}T14:02:31") and phoned["who"]["username"] == "worker"
    assert phoned["detail"] == {"desk": "out_of_hours", "number": "0151 496 0900", "spoke_to": "Jo at the EDT"}
    # The history keeps what the device sent, with the call.
    with app.app_context():
        bodies = db.session.scalars(select(ConcernRevision.body).filter_by(concern_id=concern_id)
                                    .order_by(ConcernRevision.id)).all()
        assert "duty_call" not in bodies[0] and bodies[1]["duty_call"] == stored


def test_a_concern_nobody_phoned_about_is_not_flagged(device):
    worker, manager = device("worker"), device("manager")
    concern_id = str(uuid.uuid4())
    assert worker.post("/api/sync", {"changes": [urgent_change(concern_id, "CR-CALL-2")]}).json[
        "results"][0]["result"] == "applied"
    assert manager.get(f"/api/concerns/{concern_id}").json["duty_call"] is None
    [queued] = [c for c in manager.get("/api/queue").json["concerns"] if c["id"] == concern_id]
    assert queued["phoned"] is False


def test_a_later_draft_save_without_the_call_keeps_it(device):
    worker = device("worker")
    concern_id = str(uuid.uuid4())
    first = {**urgent_change(concern_id, "CR-CALL-3"), "status": "draft", "duty_call": call()}
    assert worker.post("/api/sync", {"changes": [first]}).json["results"][0]["result"] == "applied"
    second = {**urgent_change(concern_id, "CR-CALL-3"), "status": "draft", "base_version": 1}
    result = worker.post("/api/sync", {"changes": [second]}).json["results"][0]
    assert result["result"] == "applied"
    assert worker.get(f"/api/concerns/{concern_id}").json["duty_call"]["spoke_to"] == "Jo at the EDT"


FUTURE = iso(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))


@pytest.mark.parametrize("bad,field", [
    ({"spoke_to": ""}, "duty_call.spoke_to"),
    ({"spoke_to": "   "}, "duty_call.spoke_to"),
    ({"spoke_to": "x" * 121}, "duty_call.spoke_to"),
    ({"desk": "the pub"}, "duty_call.desk"),
    ({"number": "999; rm -rf /"}, "duty_call.number"),
    ({"phoned_at": FUTURE}, "duty_call.phoned_at"),
    ({"phoned_at": "2026-11-29T14:02:00"}, "duty_call.phoned_at"),  # no zone
    ({"phoned_at": "2020-01-01T10:00:00Z"}, "duty_call.phoned_at"),  # long before
    ({"phoned_at": "yesterday"}, "duty_call.phoned_at"),
    ({"who_else": "a name"}, "duty_call.who_else"),  # unknown fields are refused
])
def test_a_bad_call_record_is_rejected_and_nothing_is_stored(app, device, bad, field):
    worker = device("worker")
    concern_id = str(uuid.uuid4())
    change = {**urgent_change(concern_id, "CR-CALL-BAD"), "duty_call": call(**bad)}
    result = worker.post("/api/sync", {"changes": [change]}).json["results"][0]
    assert result["result"] == "rejected" and field in result["errors"], result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Concern).filter_by(id=concern_id)) == 0


def test_script_in_whom_they_spoke_to_is_stored_as_text(device):
    worker, manager = device("worker"), device("manager")
    concern_id = str(uuid.uuid4())
    change = {**urgent_change(concern_id, "CR-CALL-XSS"), "duty_call": call(spoke_to="<img src=x onerror=alert(1)>")}
    assert worker.post("/api/sync", {"changes": [change]}).json["results"][0]["result"] == "applied"
    assert manager.get(f"/api/concerns/{concern_id}").json["duty_call"]["spoke_to"] == "<img src=x onerror=alert(1)>"


def test_the_alert_says_already_phoned_and_nothing_more(push_app, receiver, signed_in):
    manager = signed_in("manager")
    assert manager.post("/api/push/subscriptions", receiver.subscription("phone")).status_code == 200
    assert manager.post("/api/push/duty", {"on_duty": True}).status_code == 200
    worker = signed_in("worker")
    phoned_id, silent_id = str(uuid.uuid4()), str(uuid.uuid4())
    changes = [{**urgent_change(phoned_id, "CR-CALL-PUSH"), "duty_call": call(spoke_to="Dana Whitfield")},
               urgent_change(silent_id, "CR-CALL-QUIET")]
    assert [r["result"] for r in worker.post("/api/sync", {"changes": changes}).json["results"]] == ["applied"] * 2
    assert drain_once(push_app) == {"sent": 2}
    messages = {r.message["concern"]: r for r in receiver.wait_for(2)}
    assert messages[phoned_id].message["phoned"] is True
    assert messages[silent_id].message["phoned"] is False
    # A flag only: not who took the call, nor the number, nor when.
    for text in ("Dana", "Whitfield", "0151", "EDT", "spoke"):
        assert text not in messages[phoned_id].plaintext
    assert set(messages[phoned_id].message) == {"v", "kind", "concern", "urgency", "team", "phoned", "title"}
