"""The author reads back what they sent and its progress in words, never the manager's work."""
import json

import pytest

from tests.test_sync import change, sync

URGENT = {"case_reference": "CR-AV1", "concern_specific_child": True}
# Distinctive words a manager writes: none may reach the author by any road.
SECRETS = ("DECISION-ZEBRA-17", "ACKNOTE-OKAPI-42", "ACTIONNOTE-QUOKKA-9", "REF-NARWHAL-555",
           "OUTCOME-TAPIR-3")
MANAGER_FIELDS = ("decision", "outcome", "acknowledged_by", "assigned_to", "assigned_at", "closed_by",
                  "tracked_actions")


@pytest.fixture
def worked_concern(app, device):
    """Submitted by `worker` with an addendum; the manager acknowledges with a note, assigns,
    marks actions with notes and a reference, decides and closes."""
    worker = device("worker")
    created, = sync(worker, change(status="submitted", answers=URGENT, notes="What I saw at the visit"))
    cid = created["id"]
    added, = sync(worker, change(cid, base_version=1, status="submitted", answers=URGENT,
                                 addendum="The school rang back"))
    assert added["result"] == "applied"
    manager = device("manager")
    assert manager.post(f"/api/concerns/{cid}/acknowledge", {"note": SECRETS[1]}).status_code == 200
    body = manager.get(f"/api/concerns/{cid}").json
    first, *rest = body["tracked_actions"]
    assert manager.patch(f"/api/concerns/{cid}/actions/{first['action']}",
                         {"state": "done", "note": SECRETS[2], "reference": SECRETS[3]}).status_code == 200
    for action in rest:
        assert manager.patch(f"/api/concerns/{cid}/actions/{action['action']}",
                             {"state": "not_needed", "note": SECRETS[2]}).status_code == 200
    people = manager.get(f"/api/concerns/{cid}/assignees").json["people"]
    assignee = next(p for p in people if p["username"] == "manager")
    assert manager.post(f"/api/concerns/{cid}/assign", {"user": assignee["id"]}).status_code == 200
    assert manager.post(f"/api/concerns/{cid}/decision", {"decision": SECRETS[0]}).status_code == 200
    return cid


def _leaks(payload) -> list[str]:
    text = json.dumps(payload)
    return [s for s in SECRETS if s in text]


def test_the_author_reads_none_of_the_managers_work_anywhere(device, worked_concern):
    worker = device("worker")
    responses = {
        "concern": worker.get(f"/api/concerns/{worked_concern}"),
        "list": worker.get("/api/concerns"),
        "feed": worker.get("/api/concerns?since=0"),
        "history": worker.get(f"/api/concerns/{worked_concern}/history"),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        assert _leaks(response.json) == [], name
    concern = responses["concern"].json
    assert not set(MANAGER_FIELDS) & set(concern)
    # What they sent, and where it stands, in words.
    assert concern["notes"] == "What I saw at the visit"
    assert concern["answers"]["case_reference"] == "CR-AV1"
    assert concern["actions"], "the recommendations at the time"
    assert (concern["status"], concern["progress"], concern["progress_label"]) == (
        "acknowledged", "acknowledged", "Acknowledged")
    [listed] = responses["list"].json["concerns"]
    assert not set(MANAGER_FIELDS) & set(listed) and listed["progress"] == "acknowledged"
    revisions = responses["history"].json["revisions"]
    assert [r["kind"] for r in revisions] == ["applied", "addendum", "progress"]
    assert revisions[1]["body"]["addendum"] == "The school rang back"
    assert revisions[2]["body"] == {"progress": "acknowledged", "progress_label": "Acknowledged"}
    assert all("author_id" not in r for r in revisions)


def test_the_manager_still_sees_all_of_it(device, worked_concern):
    manager = device("manager")
    concern = manager.get(f"/api/concerns/{worked_concern}").json
    assert _leaks(concern) == [SECRETS[0], SECRETS[2], SECRETS[3]]  # the note is in the history
    assert concern["status"] == "in_progress" and concern["assigned_to"]["username"] == "manager"
    history = manager.get(f"/api/concerns/{worked_concern}/history").json
    assert set(_leaks(history)) == set(SECRETS[:4])
    assert _leaks(manager.get("/api/concerns?since=0").json) == [SECRETS[0], SECRETS[2], SECRETS[3]]


def test_closed_reads_closed_without_the_outcome(device, worked_concern):
    manager = device("manager")
    assert manager.post(f"/api/concerns/{worked_concern}/close", {"outcome": SECRETS[4]}).status_code == 200
    worker = device("worker")
    concern = worker.get(f"/api/concerns/{worked_concern}").json
    assert (concern["status"], concern["progress_label"]) == ("closed", "Closed") and concern["closed_at"]
    assert _leaks(concern) == [] and _leaks(worker.get("/api/concerns?since=0").json) == []
    history = worker.get(f"/api/concerns/{worked_concern}/history").json["revisions"]
    assert [r["body"].get("progress") for r in history if r["kind"] == "progress"] == ["acknowledged", "closed"]
    assert _leaks(history) == []


def test_a_status_filter_uses_the_status_the_author_sees(device, worked_concern):
    worker = device("worker")
    assert [c["id"] for c in worker.get("/api/concerns?status=acknowledged").json["concerns"]] == [worked_concern]
    assert worker.get("/api/concerns?status=in_progress").json["concerns"] == []


def test_an_addendum_to_an_assigned_concern_answers_the_status_the_author_sees(device, worked_concern):
    worker = device("worker")
    added, = sync(worker, change(worked_concern, base_version=1, status="submitted", answers=URGENT,
                                 addendum="One more thing"))
    assert (added["result"], added["status"]) == ("applied", "acknowledged")
