"""A new revision of the encoding: concerns keep theirs, a submission with a decisive gap needs
the author's confirmation, and loading a revision lists the open concerns that would change."""
import copy
import json
import uuid

from backend.extensions import db
from backend.procedures import store
from tests.test_sync import change, sync


def submit(device, reference, answers, version="10-r2", **extra):
    item = change(status="submitted", procedure_version=version, case_reference=reference,
                  answers={"case_reference": reference, **answers}, **extra)
    result, = sync(device, item)
    return result


def test_a_decisive_gap_the_author_confirmed_is_recorded_with_the_concern(device):
    worker = device("worker")
    accepted = submit(worker, "CR-GAP", {"adult_sexual_communication": True},
                      submitted_without=["child_age"])
    assert accepted["result"] == "applied"
    stored = worker.get(f"/api/concerns/{accepted['id']}").json
    gap, = stored["submitted_without"]
    assert gap["question"] == "child_age" and "tell the police" in gap["because"]
    assert gap["confirmed"] is True
    assert stored["procedure_version"] == "10-r2"
    history = worker.get(f"/api/concerns/{accepted['id']}/history").json["revisions"]
    assert history[-1]["body"]["submitted_without"] == ["child_age"]


def test_an_unconfirmed_gap_never_stops_a_concern_but_is_recorded_as_unconfirmed(device):
    # A device whose app predates the confirmation: the concern still reaches the team.
    worker = device("worker")
    result = submit(worker, "CR-OLDAPP", {"adult_sexual_communication": True})
    assert result["result"] == "applied" and result["status"] == "submitted"
    gap, = worker.get(f"/api/concerns/{result['id']}").json["submitted_without"]
    assert gap["question"] == "child_age" and gap["confirmed"] is False


def test_a_draft_records_no_gap_until_it_is_submitted(device):
    item = change(procedure_version="10-r2", answers={"case_reference": "CR-DRAFT", "adult_sexual_communication": True})
    worker = device("worker")
    result, = sync(worker, item)
    assert result["result"] == "applied"
    assert worker.get(f"/api/concerns/{result['id']}").json["submitted_without"] is None


def test_a_complete_submission_records_no_gap(device):
    worker = device("worker")
    result = submit(worker, "CR-FULL", {"child_age": 15, "adult_sexual_communication": True})
    stored = worker.get(f"/api/concerns/{result['id']}").json
    assert result["result"] == "applied" and stored["submitted_without"] is None
    assert [a["action"] for a in stored["actions"]] == [
        "strategy-meeting-cep", "police-offence-sexual-communication"]


def test_loading_a_revision_flags_the_open_concerns_whose_recommendations_change(app, device, procedure_document):
    worker = device("worker")
    # Under revision 1 contact moving to a phone recommended a Strategy Meeting; revision 4
    # (below) is revision 3 again, which only asks about grooming: that concern changes.
    changed = submit(worker, "CR-PHONE", {"child_age": 13, "contact_moved_to_phone": True}, version="10")
    same = submit(worker, "CR-ONLINE", {"child_age": 13, "meeting_people_online": True}, version="10")
    other_team = submit(device("worker2"), "CR-SOUTH", {"child_age": 13, "contact_moved_to_phone": True}, version="10")
    assert changed["result"] == same["result"] == other_team["result"] == "applied"

    manager = device("manager")
    # Revision 3 was loaded before these concerns existed: nothing listed yet.
    assert manager.get("/api/procedure-rechecks").json == {"rechecks": []}
    revision_4 = copy.deepcopy(procedure_document)
    revision_4.update(version="10-r4", revision=4)
    with app.app_context():
        store.load(revision_4)

    listed = manager.get("/api/procedure-rechecks").json["rechecks"]
    assert [r["concern_id"] for r in listed] == [changed["id"]]
    only, = listed
    assert only["case_reference"] == "CR-PHONE"
    assert (only["from_version"], only["to_version"]) == ("10", "10-r4")
    assert [a["action"] for a in only["removed"]] == ["strategy-meeting-cep"]
    assert [a["action"] for a in only["added"]] == ["ask-about-grooming"]
    assert only["added"][0]["title"].startswith("Ask about grooming")
    # The concern keeps its own revision and recommendations.
    kept = manager.get(f"/api/concerns/{changed['id']}").json
    assert kept["procedure_version"] == "10" and kept["actions"][0]["action"] == "strategy-meeting-cep"
    # The South manager sees South's concern only.
    south = device("manager2").get("/api/procedure-rechecks").json["rechecks"]
    assert [r["concern_id"] for r in south] == [other_team["id"]]

    # The list names concerns: a copied cookie without the device key reads nothing, and a
    # read is audited with the ids it disclosed.
    locked = manager.client.get("/api/procedure-rechecks")
    assert locked.status_code == 401 and locked.json["error"]["code"] == "device_locked"
    with app.app_context():
        from backend.audit.models import AuditEvent
        from sqlalchemy import select
        last = db.session.scalars(select(AuditEvent).filter_by(action="list", object_type="procedure_recheck")
                                  .order_by(AuditEvent.id.desc())).first()
        assert json.loads(last.detail)["ids"] == [other_team["id"]]  # the South manager's read


def test_rechecks_are_for_managers_and_admins_only(device):
    assert device("worker").get("/api/procedure-rechecks").status_code == 403
    assert device().get("/api/procedure-rechecks").status_code == 401
    assert device("admin").get("/api/procedure-rechecks").status_code == 200


def test_unknown_question_ids_in_submitted_without_are_harmless_but_bounded(device):
    too_many = submit(device("worker"), "CR-MANY", {"child_age": 3},
                      submitted_without=[f"q{n}" for n in range(101)])
    assert too_many["result"] == "rejected" and "submitted_without" in too_many["errors"]
    assert uuid.UUID(too_many["id"])
