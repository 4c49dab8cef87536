"""Each role sees only what it must; another user's ids get 404; every read and change is audited."""
import uuid

import pytest

from tests.test_sync import change, sync


@pytest.fixture
def north_concern(device):
    """A concern submitted by `worker` (team North)."""
    worker = device("worker")
    result, = sync(worker, change(status="submitted", answers={"case_reference": "CR-N1", "concern_specific_child": True}))
    return result["id"]


@pytest.fixture
def north_draft(device):
    result, = sync(device("worker"), change(answers={"case_reference": "CR-N2"}))
    return result["id"]


@pytest.mark.parametrize("who", ["carer", "worker2", "manager2"])
def test_others_outside_the_concern_get_404(device, north_concern, who):
    other = device(who)
    for url in (f"/api/concerns/{north_concern}", f"/api/concerns/{north_concern}/history"):
        response = other.get(url)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
    assert other.get("/api/concerns").json["concerns"] == []


def test_a_worker_cannot_overwrite_another_workers_concern(app, device, north_draft):
    intruder = device("worker2")
    result, = sync(intruder, change(north_draft, base_version=1, answers={"case_reference": "STOLEN"}))
    assert result["result"] == "rejected"
    assert device("worker").get(f"/api/concerns/{north_draft}").json["answers"]["case_reference"] == "CR-N2"


def test_a_change_id_cannot_be_replayed_against_another_concern(device, north_draft):
    worker = device("worker")
    first = change(north_draft, base_version=1)
    sync(worker, first)
    reused = change(base_version=0, change_id=first["change_id"])
    result, = sync(worker, reused)
    assert result["result"] == "rejected" and "change_id" in result["errors"]


def test_the_teams_manager_sees_submitted_concerns_but_not_drafts(device, north_concern, north_draft):
    manager = device("manager")
    ids = [c["id"] for c in manager.get("/api/concerns").json["concerns"]]
    assert ids == [north_concern]
    assert manager.get(f"/api/concerns/{north_draft}").status_code == 404
    body = manager.get(f"/api/concerns/{north_concern}").json
    assert body["answers"]["concern_specific_child"] is True
    assert body["procedure_version"] == "10"
    assert [a["action"] for a in body["actions"]] == ["section-47-enquiry", "core-assessment"]


def test_admin_sees_every_team(device, north_concern):
    south = device("worker2")
    south_result, = sync(south, change(status="submitted", answers={"case_reference": "CR-S1"}))
    ids = {c["id"] for c in device("admin").get("/api/concerns").json["concerns"]}
    assert ids == {north_concern, south_result["id"]}


def test_only_the_teams_manager_acknowledges_and_decides(device, north_concern):
    assert device("manager2").post(f"/api/concerns/{north_concern}/acknowledge", {}).status_code == 404
    assert device("worker").post(f"/api/concerns/{north_concern}/acknowledge", {}).status_code == 403
    manager = device("manager")
    acked = manager.post(f"/api/concerns/{north_concern}/acknowledge", {"note": "Calling the police now"})
    assert acked.status_code == 200
    assert acked.json["status"] == "acknowledged"
    assert acked.json["acknowledged_by"]["username"] == "manager"
    # A double tap is a step that no longer fits: 409, and the first acknowledgement stands.
    again = manager.post(f"/api/concerns/{north_concern}/acknowledge", {})
    assert again.status_code == 409 and again.json["error"]["code"] == "transition_not_allowed"
    assert manager.get(f"/api/concerns/{north_concern}").json["acknowledged_at"] == acked.json["acknowledged_at"]
    # The decision closes only once every recommended action is marked.
    early = manager.post(f"/api/concerns/{north_concern}/decision",
                         {"decision": "Strategy Meeting convened for tomorrow 9am", "close": True})
    assert early.status_code == 409 and early.json["error"]["code"] == "actions_to_do"
    for action in acked.json["tracked_actions"]:
        marked = manager.patch(f"/api/concerns/{north_concern}/actions/{action['action']}", {"state": "done"})
        assert marked.status_code == 200, marked.json
    decided = manager.post(f"/api/concerns/{north_concern}/decision",
                           {"decision": "Strategy Meeting convened for tomorrow 9am", "close": True})
    assert decided.status_code == 200
    assert decided.json["status"] == "closed"
    assert decided.json["decision"] == "Strategy Meeting convened for tomorrow 9am"
    assert decided.json["outcome"] == "Strategy Meeting convened for tomorrow 9am"
    late = manager.post(f"/api/concerns/{north_concern}/decision", {"decision": "again"})
    assert late.status_code == 409 and late.json["error"]["code"] == "transition_not_allowed"


def test_acknowledge_needs_csrf(device, north_concern):
    manager = device("manager")
    response = manager.client.post(f"/api/concerns/{north_concern}/acknowledge", json={},
                                   headers=manager.without_csrf())
    assert response.status_code == 403
    assert manager.get(f"/api/concerns/{north_concern}").json["status"] == "submitted"


def test_unknown_and_malformed_ids_are_404(device):
    worker = device("worker")
    for cid in (str(uuid.uuid4()), "not-a-uuid", "1 OR 1=1", "%27%3B--"):
        assert worker.get(f"/api/concerns/{cid}").status_code == 404


def test_every_read_and_change_is_audited_and_only_admins_read_the_trail(device, north_concern):
    manager = device("manager")
    manager.get(f"/api/concerns/{north_concern}")
    manager.post(f"/api/concerns/{north_concern}/acknowledge", {})
    assert device("manager").get("/api/audit").status_code == 403
    assert device("worker").get("/api/audit").status_code == 403
    events = device("admin").get(f"/api/audit?object_id={north_concern}").json["events"]
    actions = [(e["action"], e["user_id"] is not None, e["address"]) for e in reversed(events)]
    assert [a for a, _, _ in actions] == ["sync_applied", "read", "acknowledge"]
    assert all(has_user and address == "127.0.0.1" for _, has_user, address in actions)


def test_personal_data_responses_are_not_cached(device, north_concern):
    response = device("worker").get(f"/api/concerns/{north_concern}")
    assert response.headers["Cache-Control"] == "no-store"
