"""The foster carer's own checklist: the procedure data marks sections, questions and actions by
audience, the server works a carer's concern out as the carer's phone does, and professionals
keep theirs."""
import copy

import pytest
from sqlalchemy import select

from backend.concerns.models import Concern
from backend.extensions import db
from backend.procedures import rules
from backend.procedures.document import DocumentError, validate

from tests.test_sync import change, sync

# What a foster carer is never asked, or told to do: the professionals' own judgements and meetings.
PROFESSIONALS_QUESTIONS = {"child_seen", "child_seen_alone", "removed_as_punishment", "concern_specific_child",
                           "worker_assessment", "present_at_visit"}
PROFESSIONALS_ACTIONS = {"see-the-child-alone", "strategy-meeting-cep", "section-47-enquiry",
                         "police-offence-arranged-meeting", "discuss-with-fostering-social-worker"}
CARERS_ACTIONS = {"carer-tell-social-worker", "carer-do-not-confront", "carer-do-not-look-at-images",
                  "carer-keep-the-device"}


def question_ids(document):
    return {q["id"] for s in document["checklist"]["sections"] for q in s["questions"]}


def test_a_carer_sees_none_of_the_professionals_questions_or_actions(procedure_document):
    carer = rules.for_audience(procedure_document, "carer")
    professional = rules.for_audience(procedure_document, "professional")
    assert not PROFESSIONALS_QUESTIONS & question_ids(carer)
    assert PROFESSIONALS_QUESTIONS <= question_ids(professional)
    assert "carer_observed" in question_ids(carer) and "carer_observed" not in question_ids(professional)
    assert not PROFESSIONALS_ACTIONS & {a["id"] for a in carer["actions"]}
    assert CARERS_ACTIONS <= {a["id"] for a in carer["actions"]}
    assert not CARERS_ACTIONS & {a["id"] for a in professional["actions"]}
    # Everyone: immediate danger, the case reference, the child's age.
    for view in (carer, professional):
        assert {"immediate_danger", "case_reference", "child_age"} <= question_ids(view)
    # Each carer's action is labelled practice and says where it comes from.
    for action in carer["actions"]:
        if action["id"] in CARERS_ACTIONS:
            assert action["source"] == "practice" and action["reference"].startswith("Practice: ")


def test_answers_to_questions_not_for_the_carer_drive_nothing(procedure_document):
    answers = {"child_age": 12, "child_seen": True, "child_seen_alone": False, "concern_specific_child": True,
               "suspected_grooming": True}
    carer = rules.evaluate(procedure_document, answers, audience="carer")
    assert [[a["action"], a["urgency"]] for a in carer["actions"]] == [
        ["carer-tell-social-worker", "urgent"], ["carer-do-not-confront", "urgent"]]
    professional = rules.evaluate(procedure_document, answers)
    assert {a["action"] for a in professional["actions"]} == {
        "strategy-meeting-cep", "section-47-enquiry", "core-assessment", "see-the-child-alone"}


def test_an_unknown_audience_is_refused(procedure_document):
    with pytest.raises(ValueError):
        rules.evaluate(procedure_document, {}, audience="manager")


def test_the_schema_allows_only_the_two_audiences(procedure_document):
    broken = copy.deepcopy(procedure_document)
    broken["checklist"]["sections"][0]["audience"] = ["manager"]
    with pytest.raises(DocumentError):
        validate(broken)
    validate(procedure_document)


def test_the_server_works_a_carers_concern_out_as_the_carers_phone_does(app, device):
    carer = device("carer")
    answers = {"case_reference": "CR-CARER-1", "child_age": 13, "suspected_grooming": True,
               "asked_for_images_or_webcam": True, "image_requester": "adult",
               "carer_observed": "Messages from a man she met in a game"}
    created, = sync(carer, change(procedure_version="10-r3", answers=answers, status="submitted"))
    assert created["result"] == "applied" and created["urgency"] == "urgent"
    worker = device("worker")
    pro, = sync(worker, change(procedure_version="10-r3", status="submitted",
                               answers={**{k: v for k, v in answers.items() if k != "carer_observed"},
                                        "case_reference": "CR-WORKER-1"}))
    with app.app_context():
        by_ref = {c.case_reference: c for c in db.session.scalars(select(Concern))}
        carers = [a["action"] for a in by_ref["CR-CARER-1"].actions]
        workers = [a["action"] for a in by_ref["CR-WORKER-1"].actions]
    assert carers == ["carer-tell-social-worker", "carer-do-not-confront", "carer-do-not-look-at-images",
                      "carer-keep-the-device"]
    assert "strategy-meeting-cep" in workers and "police-offence-sexual-communication" in workers
    assert not CARERS_ACTIONS & set(workers)


def test_the_session_says_who_writes_the_carers_checklist(device):
    assert "carer_checklist" in device("carer").get("/api/auth/session").json["user"]["capabilities"]
    assert "carer_checklist" not in device("worker").get("/api/auth/session").json["user"]["capabilities"]


def test_the_evaluate_endpoint_takes_the_audience(client):
    body = {"answers": {"suspected_grooming": True, "child_age": 13}, "audience": "carer"}
    answer = client.post("/api/procedures/child-abuse-and-the-internet/evaluate", json=body)
    assert answer.status_code == 200
    assert [a["action"] for a in answer.json["actions"]] == ["carer-tell-social-worker", "carer-do-not-confront"]
    refused = client.post("/api/procedures/child-abuse-and-the-internet/evaluate",
                          json={**body, "audience": "manager"})
    assert refused.status_code == 422 and "audience" in str(refused.json)
