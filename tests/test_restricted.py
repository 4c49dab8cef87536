"""Restricted concerns: an allegation is restricted on submission; managers and admins see
"Restricted concern" with urgency and times until they record why they need it."""
import json
import uuid

import pytest
from sqlalchemy import select

from backend.accounts.service import create_user
from backend.audit.models import AuditEvent
from backend.concerns import restriction
from backend.concerns.models import Concern
from backend.extensions import db
from backend.push.delivery import payload
from tests.conftest import DEMO_PASSWORD, PROCEDURE_DIR
from tests.test_sync import change, sync

# Revision 2 records the adult as one multiple choice, shown once there is an adult of concern.
ALLEGATION = {"case_reference": "CR-RX1", "concern_specific_child": True, "adult_concern": True,
              "adult_relationship": ["professional"]}


def submit(api, answers, version="10-r2"):
    result, = sync(api, change(status="submitted", answers=answers, procedure_version=version,
                               notes="Seen at the visit"))
    assert result["result"] == "applied", result
    return result["id"]


@pytest.fixture
def restricted(device):
    return submit(device("worker"), ALLEGATION)


def audit(app, action, concern_id):
    with app.app_context():
        return [(e.user_id, json.loads(e.detail) if isinstance(e.detail, str) else e.detail)
                for e in db.session.scalars(
            select(AuditEvent).filter_by(action=action, object_id=concern_id))]


def test_a_professional_as_adult_of_concern_is_restricted_until_opened_with_a_reason(app, device, restricted):
    manager = device("manager")
    queue = manager.get("/api/queue").json["concerns"]
    [row] = [c for c in queue if c["id"] == restricted]
    assert row["label"] == "Restricted concern" and row["restricted"] is True
    assert set(row) == {"id", "status", "urgency", "submitted_at", "acknowledged_at", "next_due_at",
                        "restricted", "label"}
    urgency = row["urgency"]
    assert "CR-RX1" not in json.dumps(manager.get("/api/queue").json)

    reads = [manager.get(f"/api/concerns/{restricted}"), manager.get(f"/api/concerns/{restricted}/history"),
             manager.get("/api/cases/CR-RX1/chronology"),
             manager.post(f"/api/concerns/{restricted}/pack-prints", {}),
             manager.post(f"/api/concerns/{restricted}/acknowledge", {}),
             manager.get(f"/api/concerns/{restricted}/assignees")]
    for response in reads:
        assert response.status_code == 403, response.request.path
        assert response.json["error"]["code"] == "restricted"
        assert f"/api/concerns/{restricted}/access" in response.json["error"]["message"]
        assert "CR-RX1" not in json.dumps(response.json)
    [listed] = [c for c in manager.get("/api/concerns").json["concerns"] if c["id"] == restricted]
    assert listed["label"] == "Restricted concern" and "case_reference" not in listed

    no_reason = manager.post(f"/api/concerns/{restricted}/access", {"reason": "  "})
    assert no_reason.status_code == 422
    opened = manager.post(f"/api/concerns/{restricted}/access",
                          {"reason": "Duty manager today: LADO referral to make"})
    assert opened.status_code == 200 and opened.json["concern"]["case_reference"] == "CR-RX1"
    concern = manager.get(f"/api/concerns/{restricted}").json
    assert concern["restricted"] is True and concern["restricted_because"] == "allegation"
    assert concern["urgency"] == urgency
    assert manager.get("/api/cases/CR-RX1/chronology").status_code == 200
    assert manager.post(f"/api/concerns/{restricted}/pack-prints", {}).status_code == 200
    [row] = [c for c in manager.get("/api/queue").json["concerns"] if c["id"] == restricted]
    assert row["case_reference"] == "CR-RX1" and "label" not in row

    events = device("admin").get(f"/api/audit?object_id={restricted}").json["events"]
    [event] = [e for e in events if e["action"] == "open_restricted"]
    assert json.loads(event["detail"])["reason"] == "Duty manager today: LADO referral to make"


def test_admins_follow_the_same_rule_and_one_users_reason_opens_it_for_them_alone(device, restricted):
    manager, admin = device("manager"), device("admin")
    assert admin.get(f"/api/concerns/{restricted}").json["error"]["code"] == "restricted"
    assert admin.post(f"/api/concerns/{restricted}/access", {"reason": "DPO review"}).status_code == 200
    assert admin.get(f"/api/concerns/{restricted}").status_code == 200
    assert manager.get(f"/api/concerns/{restricted}").status_code == 403
    # Another team's manager does not see it at all.
    assert device("manager2").post(f"/api/concerns/{restricted}/access", {"reason": "curious"}).status_code == 404


def test_the_assignee_needs_no_reason(app, device, restricted):
    with app.app_context():
        deputy = create_user("deputy", DEMO_PASSWORD, "duty_manager", "North", "Deputy Manager")
        db.session.commit()
        deputy_id = deputy.id
    manager = device("manager")
    manager.post(f"/api/concerns/{restricted}/access", {"reason": "Allocating it"})
    assert manager.post(f"/api/concerns/{restricted}/assign", {"user": deputy_id}).status_code == 200
    assert device("deputy").get(f"/api/concerns/{restricted}").status_code == 200


def test_the_author_reads_their_own_restricted_concern(device, restricted):
    worker = device("worker")
    concern = worker.get(f"/api/concerns/{restricted}").json
    assert concern["case_reference"] == "CR-RX1" and "restricted" not in concern


@pytest.mark.parametrize("answers", [
    {**ALLEGATION, "adult_relationship": ["household", "family"]},
    # Hidden answers never count: no adult of concern, so the relationship is not shown.
    {**ALLEGATION, "adult_concern": False},
])
def test_other_adults_are_not_restricted(device, answers):
    cid = submit(device("worker"), answers)
    assert device("manager").get(f"/api/concerns/{cid}").status_code == 200


def test_a_manager_marks_a_concern_restricted_and_lifts_it_both_audited(app, device):
    cid = submit(device("worker"), {"case_reference": "CR-RX2", "concern_specific_child": True})
    manager, admin = device("manager"), device("admin")
    assert admin.get(f"/api/concerns/{cid}").status_code == 200
    assert manager.post(f"/api/concerns/{cid}/restrict", {}).status_code == 422
    marked = manager.post(f"/api/concerns/{cid}/restrict", {"reason": "The carer's partner is named"})
    assert marked.status_code == 200 and marked.json["restricted_because"] == "marked"
    assert manager.get(f"/api/concerns/{cid}").status_code == 200  # the marker keeps it open
    assert admin.get(f"/api/concerns/{cid}").json["error"]["code"] == "restricted"
    assert manager.post(f"/api/concerns/{cid}/restrict", {"reason": "again"}).status_code == 409
    assert device("worker").post(f"/api/concerns/{cid}/restrict", {"reason": "mine"}).status_code == 403

    lifted = manager.client.delete(f"/api/concerns/{cid}/restrict", json={"reason": "Named in error"},
                                   headers={**manager.without_csrf(), "X-CSRFToken": manager.csrf})
    assert lifted.status_code == 200 and lifted.json["restricted"] is False
    assert admin.get(f"/api/concerns/{cid}").status_code == 200
    assert [d["reason"] for _, d in audit(app, "restrict", cid)] == ["The carer's partner is named"]
    assert [d["reason"] for _, d in audit(app, "lift_restriction", cid)] == ["Named in error"]
    # Restricted again, the reasons given before have lapsed.
    manager.post(f"/api/concerns/{cid}/restrict", {"reason": "Named again"})
    assert admin.get(f"/api/concerns/{cid}").status_code == 403


def test_lifting_needs_csrf(device, restricted):
    manager = device("manager")
    manager.post(f"/api/concerns/{restricted}/access", {"reason": "Checking"})
    response = manager.client.delete(f"/api/concerns/{restricted}/restrict", json={"reason": "x y z"},
                                     headers=manager.without_csrf())
    assert response.status_code == 403
    assert manager.get(f"/api/concerns/{restricted}").json["restricted"] is True


def test_the_alert_about_a_restricted_concern_says_no_more_than_any_other(app, device, restricted):
    with app.app_context():
        concern = db.session.get(Concern, restricted)
        body = json.loads(payload(concern.id, concern.urgency, concern.team_id, "alert"))
    assert set(body) == {"v", "kind", "concern", "urgency", "team", "phoned", "title"}
    assert "CR-RX1" not in json.dumps(body) and "restrict" not in json.dumps(body).lower()


# Revision 3 records the adult as a relationship to the child and their contact with children.
R3 = {"checklist": {"sections": [{"id": "adults", "questions": [
    {"id": "adult_concern", "type": "boolean"},
    {"id": "adult_relationship_to_child", "type": "choice", "when": {"q": "adult_concern", "op": "eq", "value": True}},
    {"id": "adult_contact_with_children", "type": "multi_choice",
     "when": {"q": "adult_concern", "op": "eq", "value": True}}]}]}}


@pytest.mark.parametrize("answers,expected", [
    ({"adult_concern": True, "adult_relationship_to_child": "foster_carer"}, True),
    ({"adult_concern": True, "adult_relationship_to_child": "carer_household"}, True),
    ({"adult_concern": True, "adult_relationship_to_child": "online_only",
      "adult_contact_with_children": ["volunteer"]}, True),
    ({"adult_concern": True, "adult_relationship_to_child": "family",
      "adult_contact_with_children": ["none"]}, False),
    ({"adult_concern": True, "adult_relationship_to_child": "not_known"}, False),
    ({"adult_concern": False, "adult_relationship_to_child": "professional"}, False),
])
def test_revision_3_answers(answers, expected):
    assert restriction.is_allegation(R3, answers) is expected


def test_revision_2_foster_carer_and_position_of_trust():
    document = {"checklist": {"sections": [{"id": "a", "questions": [
        {"id": "adult_relationship", "type": "multi_choice"}]}]}}
    assert restriction.is_allegation(document, {"adult_relationship": ["family", "position_of_trust"]})
    assert not restriction.is_allegation(document, {"adult_relationship": ["none"]})


def test_an_unknown_concern_asks_for_access_as_404(device):
    response = device("manager").post(f"/api/concerns/{uuid.uuid4()}/access", {"reason": "looking"})
    assert response.status_code == 404


R3_FILE = PROCEDURE_DIR / "v10-r3.json"


def test_the_revision_3_file_marks_a_foster_carer_and_someone_who_works_with_children():
    document = json.loads(R3_FILE.read_text(encoding="utf-8"))
    adult = {"case_reference": "X", "adult_concern": True}
    assert restriction.is_allegation(document, {**adult, "adult_relationship_to_child": "foster_carer"})
    assert restriction.is_allegation(document, {**adult, "adult_relationship_to_child": "family",
                                                "adult_contact_with_children": ["professional"]})
    assert not restriction.is_allegation(document, {**adult, "adult_relationship_to_child": "online_only"})
    assert not restriction.is_allegation(document, {"case_reference": "X", "adult_concern": False,
                                                    "adult_relationship_to_child": "foster_carer"})
