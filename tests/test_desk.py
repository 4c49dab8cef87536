"""Journey 7 over HTTP: the duty manager acknowledges, assigns, follows each recommended action
to done or not needed, and closes with an outcome — each step once, in order, on the record."""
import datetime as dt

import pytest
from sqlalchemy import select

from backend.alerts.models import AlertJob
from backend.audit.models import AuditEvent
from backend.concerns.models import Concern
from backend.extensions import db
from tests.test_sync import change, sync

URGENT = {"case_reference": "CR-D1", "concern_specific_child": True}


@pytest.fixture
def concern(device):
    """An urgent concern submitted by `worker` (team North): section 47 and core assessment."""
    result, = sync(device("worker"), change(status="submitted", answers=URGENT))
    return result["id"]


def patch(api, url, body):
    return api.patch(url, body)


def user_id(app, username):
    from backend.accounts.models import User
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username=username))


def test_the_recommendations_made_at_submission_become_tracked_actions_due_by_urgency(app, device, concern):
    body = device("manager").get(f"/api/concerns/{concern}").json
    assert [(a["action"], a["state"]) for a in body["tracked_actions"]] == [
        ("section-47-enquiry", "to_do"), ("core-assessment", "to_do")]
    assert [a["action"] for a in body["tracked_actions"]] == [a["action"] for a in body["actions"]]
    submitted = dt.datetime.fromisoformat(body["submitted_at"])
    for action in body["tracked_actions"]:
        hours = app.config["ACTION_DUE_HOURS"][action["urgency"]]
        assert dt.datetime.fromisoformat(action["due_at"]) == submitted + dt.timedelta(hours=hours)
        assert action["paragraphs"] and action["reasons"]
    # An addendum afterwards never recomputes the set.
    worker = device("worker")
    sync(worker, change(concern, base_version=1, status="submitted", addendum="Spoke to school",
                        answers={**URGENT, "concern_specific_child": False}))
    again = device("manager").get(f"/api/concerns/{concern}").json
    assert again["tracked_actions"] == body["tracked_actions"]


def test_the_whole_lifecycle_in_order_with_history_audit_and_chronology(app, device, concern):
    manager = device("manager")
    acked = manager.post(f"/api/concerns/{concern}/acknowledge", {})
    assert acked.status_code == 200 and acked.json["status"] == "acknowledged"

    done = patch(manager, f"/api/concerns/{concern}/actions/section-47-enquiry",
                 {"state": "done", "note": "Started", "reference": "POLICE-123"})
    assert done.status_code == 200 and done.json["status"] == "in_progress"
    [s47] = [a for a in done.json["tracked_actions"] if a["action"] == "section-47-enquiry"]
    assert (s47["state"], s47["reference"], s47["changed_by"]["username"]) == ("done", "POLICE-123", "manager")
    assert s47["changed_at"]
    skipped = patch(manager, f"/api/concerns/{concern}/actions/core-assessment",
                    {"state": "not_needed", "note": "Assessment completed last month"})
    assert skipped.status_code == 200

    people = manager.get(f"/api/concerns/{concern}/assignees").json["people"]
    assert {p["username"] for p in people} == {"worker", "manager"}  # North only, no carer
    worker_id = user_id(app, "worker")
    assigned = manager.post(f"/api/concerns/{concern}/assign", {"user": worker_id})
    assert assigned.status_code == 200 and assigned.json["assigned_to"]["username"] == "worker"
    handed = manager.post(f"/api/concerns/{concern}/assign", {"user": user_id(app, "manager")})
    assert handed.json["assigned_to"]["username"] == "manager"

    closed = manager.post(f"/api/concerns/{concern}/close", {"outcome": "Strategy Meeting held; plan agreed"})
    assert closed.status_code == 200
    assert (closed.json["status"], closed.json["outcome"], closed.json["closed_by"]["username"]) == (
        "closed", "Strategy Meeting held; plan agreed", "manager")

    kinds = [r["kind"] for r in manager.get(f"/api/concerns/{concern}/history").json["revisions"]]
    assert kinds == ["applied", "acknowledgement", "action", "action", "assignment", "assignment", "closure"]
    with app.app_context():
        audited = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == concern)
                                     .order_by(AuditEvent.id)).all()
    assert [a for a in audited if a not in ("read", "read_history")] == [
        "sync_applied", "acknowledge", "action_state", "action_state", "assign", "assign", "close"]

    entries = manager.get("/api/cases/CR-D1/chronology").json["entries"]
    assert [e["kind"] for e in entries] == [
        "submitted", "acknowledged", "action", "action", "assigned", "assigned", "closed"]
    assert entries[2]["detail"]["reference"] == "POLICE-123"
    assert entries[3]["detail"]["note"] == "Assessment completed last month"
    assert entries[4]["detail"]["to_name"] == "Wren Worker"
    assert entries[5]["detail"]["from"] == worker_id  # the handover keeps who held it before


def test_an_illegal_transition_is_409_and_changes_nothing(app, device, concern):
    manager = device("manager")
    assert manager.post(f"/api/concerns/{concern}/acknowledge", {}).status_code == 200
    version = manager.get(f"/api/concerns/{concern}").json["version"]
    for _ in range(2):  # a double tap, and a third
        again = manager.post(f"/api/concerns/{concern}/acknowledge", {})
        assert again.status_code == 409
        assert again.json["error"]["code"] == "transition_not_allowed"
    for url in ("actions/section-47-enquiry", "actions/core-assessment"):
        patch(manager, f"/api/concerns/{concern}/{url}", {"state": "done"})
    assert manager.post(f"/api/concerns/{concern}/close", {"outcome": "Done"}).status_code == 200
    closed_version = manager.get(f"/api/concerns/{concern}").json["version"]
    assert closed_version > version
    for method, url, body in (
            ("post", "acknowledge", {}), ("post", "close", {"outcome": "Again"}),
            ("post", "assign", {"user": user_id(app, "worker")}),
            ("patch", "actions/core-assessment", {"state": "to_do"}),
            ("post", "decision", {"decision": "Later thought"})):
        response = (patch(manager, f"/api/concerns/{concern}/{url}", body) if method == "patch"
                    else manager.post(f"/api/concerns/{concern}/{url}", body))
        assert response.status_code == 409, url
        assert response.json["error"]["code"] == "transition_not_allowed"
    assert manager.get(f"/api/concerns/{concern}").json["version"] == closed_version


def test_closing_with_an_action_still_to_do_is_refused(device, concern):
    manager = device("manager")
    patch(manager, f"/api/concerns/{concern}/actions/section-47-enquiry", {"state": "done"})
    refused = manager.post(f"/api/concerns/{concern}/close", {"outcome": "All done"})
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "actions_to_do"
    assert "Core Assessment" in refused.json["error"]["message"]
    assert manager.get(f"/api/concerns/{concern}").json["status"] == "in_progress"


def test_not_needed_without_a_reason_is_422_and_stores_nothing(app, device, concern):
    manager = device("manager")
    for body in ({"state": "not_needed"}, {"state": "not_needed", "note": "   "}):
        response = patch(manager, f"/api/concerns/{concern}/actions/core-assessment", body)
        assert response.status_code == 422
        assert "note" in response.json["error"]["fields"]
    for body in ({"state": "maybe"}, {"state": "done", "extra": 1}, {"state": "done", "reference": "x" * 121}):
        assert patch(manager, f"/api/concerns/{concern}/actions/core-assessment", body).status_code == 422
    assert patch(manager, f"/api/concerns/{concern}/actions/no-such-action", {"state": "done"}).status_code == 404
    body = manager.get(f"/api/concerns/{concern}").json
    assert body["status"] == "submitted" and body["acknowledged_at"] is None
    assert {a["state"] for a in body["tracked_actions"]} == {"to_do"}


def test_assign_only_to_a_worker_of_the_team(app, device, concern):
    manager = device("manager")
    for username in ("worker2", "carer", "admin"):
        response = manager.post(f"/api/concerns/{concern}/assign", {"user": user_id(app, username)})
        assert response.status_code == 422, username
    assert manager.post(f"/api/concerns/{concern}/assign", {"user": "2"}).status_code == 422
    worker = user_id(app, "worker")
    assert manager.post(f"/api/concerns/{concern}/assign", {"user": worker}).status_code == 200
    again = manager.post(f"/api/concerns/{concern}/assign", {"user": worker})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_assigned"


def test_any_step_acknowledges_and_cancels_escalation_not_yet_sent(app, device, concern):
    # An escalation job waiting in the queue, as escalate_due() leaves it.
    with app.app_context():
        job = db.session.scalar(select(AlertJob).filter_by(concern_id=concern))
        assert job is None  # nobody subscribed in this test; add one by hand
        from backend.accounts.models import User
        from backend.push.models import PushSubscription
        manager_user = db.session.scalar(select(User).filter_by(username="manager"))
        sub = PushSubscription(user_id=manager_user.id, endpoint="https://fcm.googleapis.com/x",
                               p256dh="k", auth="a")
        db.session.add(sub)
        db.session.flush()
        db.session.add(AlertJob(concern_id=concern, subscription_id=sub.id, user_id=manager_user.id,
                                kind="escalation", status="pending"))
        db.session.commit()
    manager = device("manager")
    response = manager.post(f"/api/concerns/{concern}/assign", {"user": user_id(app, "worker")})
    assert response.status_code == 200
    assert response.json["acknowledged_by"]["username"] == "manager"
    with app.app_context():
        assert db.session.scalar(select(AlertJob.status).filter_by(concern_id=concern)) == "cancelled"


NEW_ENDPOINTS = [
    ("get", "/api/concerns/{id}/assignees", None),
    ("post", "/api/concerns/{id}/acknowledge", {}),
    ("post", "/api/concerns/{id}/assign", {"user": 1}),
    ("patch", "/api/concerns/{id}/actions/section-47-enquiry", {"state": "done"}),
    ("post", "/api/concerns/{id}/close", {"outcome": "x"}),
    ("post", "/api/concerns/{id}/decision", {"decision": "x"}),
    ("post", "/api/concerns/{id}/pack-prints", {}),
    ("get", "/api/cases/CR-D1/chronology", None),
]


@pytest.mark.parametrize("method,url,body", NEW_ENDPOINTS)
def test_a_south_manager_gets_404_on_a_north_concern_for_every_new_endpoint(app, device, concern, method, url, body):
    south = device("manager2")
    url = url.format(id=concern)
    if method == "get":
        response = south.get(url)
    elif method == "patch":
        response = patch(south, url, body)
    else:
        response = south.post(url, body)
    assert response.status_code == 404, response.json
    assert response.json["error"]["code"] == "not_found"
    assert concern not in [c["id"] for c in south.get("/api/queue").json["concerns"]]
    south_id = user_id(app, "manager2")
    with app.app_context():
        stored = db.session.get(Concern, concern)
        assert stored.status == "submitted"
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == concern,
                                                          AuditEvent.user_id == south_id)) is None


def test_workers_and_carers_cannot_use_the_desk(device, concern):
    for username in ("worker", "carer"):
        other = device(username)
        assert other.get("/api/queue").status_code == 403
        assert other.get("/api/cases/CR-D1/chronology").status_code == 403
        assert other.post(f"/api/concerns/{concern}/pack-prints", {}).status_code == 403
        assert other.post(f"/api/concerns/{concern}/close", {"outcome": "x"}).status_code == 403


def test_the_session_lists_what_each_role_may_do(device):
    expected = {"worker": ["write_concerns"], "carer": ["write_concerns", "carer_checklist"],
                "manager": ["read_queue", "manage_concerns", "receive_alerts", "manage_rota",
                            "issue_setup_codes", "two_step_sign_in"],
                "admin": ["read_queue", "receive_alerts", "all_teams", "manage_rota", "manage_people",
                          "manage_sso", "two_step_sign_in"]}
    for username, capabilities in expected.items():
        assert device(username).get("/api/auth/session").json["user"]["capabilities"] == capabilities


def test_each_print_of_the_pack_is_audited_with_who_and_when(app, device, concern):
    manager = device("manager")
    first = manager.post(f"/api/concerns/{concern}/pack-prints", {})
    assert first.status_code == 200 and first.json["printed_by"]["username"] == "manager"
    manager.post(f"/api/concerns/{concern}/pack-prints", {})
    assert manager.client.post(f"/api/concerns/{concern}/pack-prints", json={},
                               headers=manager.without_csrf()).status_code == 403  # CSRF
    manager_id = user_id(app, "manager")
    with app.app_context():
        prints = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_id == concern, AuditEvent.action == "print_pack")).all()
        assert len(prints) == 2 and all(p.user_id == manager_id for p in prints)


def test_the_chronology_shows_only_concerns_the_reader_may_see(app, device, concern):
    # The same case reference in South: North's manager never sees it, nor South's the North one.
    sync(device("worker2"), change(status="submitted", answers={"case_reference": "CR-D1"}))
    north = device("manager").get("/api/cases/CR-D1/chronology").json
    south = device("manager2").get("/api/cases/CR-D1/chronology").json
    assert [c["id"] for c in north["concerns"]] == [concern]
    assert concern not in [c["id"] for c in south["concerns"]] and len(south["concerns"]) == 1
    assert all(e["concern_id"] == concern for e in north["entries"])
    admin = device("admin").get("/api/cases/CR-D1/chronology").json
    assert len(admin["concerns"]) == 2
    # A case reference with a slash (allowed) is found too.
    sync(device("worker"), change(status="submitted", answers={"case_reference": "CR-2024/9"}))
    assert device("manager").get("/api/cases/CR-2024%2F9/chronology").status_code == 200
    assert device("manager").get("/api/cases/NOPE/chronology").status_code == 404
