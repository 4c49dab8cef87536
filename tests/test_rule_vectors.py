"""The shared rule vectors, run against the Python evaluator (pwa/tests runs them in JS).

Each vector is a scenario from the chapter and `cites` the sentence (or labelled practice)
it tests; it pins the recommended actions, the decisive unanswered questions (`needs`), the
scope note and the guidance. Revision 2's vectors stay: drafts started under it keep it.
"""
import json
from pathlib import Path

import pytest

from backend.procedures import rules

DATA = Path(__file__).resolve().parent.parent / "procedure_data" / "child-abuse-and-the-internet"
VECTOR_FILE = json.loads((DATA / "v10-r2.vectors.json").read_text())
VECTORS = VECTOR_FILE["vectors"]
R3_FILE = json.loads((DATA / "v10-r3.vectors.json").read_text())
R3_VECTORS = R3_FILE["vectors"]


@pytest.fixture
def revision_2() -> dict:
    return json.loads((DATA / "v10-r2.json").read_text())


def test_the_vectors_are_for_their_revisions(procedure_document, revision_2):
    assert R3_FILE["version"] == procedure_document["version"] == "10-r3"
    assert VECTOR_FILE["version"] == revision_2["version"] == "10-r2"


def test_at_least_forty_scenarios_each_citing_its_sentence():
    assert len(VECTORS) >= 40
    for vector in VECTORS:
        assert len(vector["cites"]) > 20, vector["name"]
        assert vector["cites"].startswith(("¶", "Practice", "Scope", "Unknown")), vector["name"]


def test_the_vectors_cover_ages_factors_and_relationships():
    ages = {v["answers"].get("child_age") for v in VECTORS}
    assert {15, 16, 17, 18, 19, None} <= ages
    factors = {f for v in VECTORS for f in v["answers"].get("sharing_aggravating_factors", [])}
    assert factors == {"coercion", "grooming", "adult_involved", "profit", "malicious", "persistent", "none"}
    relationships = {r for v in VECTORS for r in v["answers"].get("adult_relationship", [])}
    assert {"household", "professional", "volunteer", "family", "position_of_trust", "none"} <= relationships
    assert {v["answers"].get("image_requester") for v in VECTORS} >= {"peer", "adult", "not_known"}


def test_the_vectors_cover_every_rule(procedure_document, revision_2):
    for document, vectors in ((revision_2, VECTORS), (procedure_document, R3_VECTORS)):
        fired = set()
        for vector in vectors:
            for action in rules.evaluate(document, vector["answers"],
                                         audience=vector.get("audience", "professional"))["actions"]:
                fired.update(reason["rule"] for reason in action["reasons"])
        assert fired == {rule["id"] for rule in document["rules"]}, document["version"]


def test_the_revision_3_vectors_cover_people_images_and_unknowns():
    assert len(R3_VECTORS) >= 40
    for vector in R3_VECTORS:
        assert len(vector["cites"]) > 20 and vector["cites"].startswith(("¶", "Practice", "Scope", "Unknown")), vector["name"]
    answers = [v["answers"] for v in R3_VECTORS]
    assert {a.get("child_age") for a in answers} >= {15, 16, 17, 18, 19, None}
    assert {r for a in answers for r in a.get("adult_contact_with_children", [])} >= {
        "household", "family", "foster_carer", "professional", "volunteer", "position_of_trust", "none", "not_known"}
    assert {a.get("adult_relationship_to_child") for a in answers} >= {
        "household", "foster_carer", "carer_household", "professional", "volunteer", "online_only", "not_known"}
    assert {t for a in answers for t in a.get("sent_to", [])} == {"peer", "adult", "not_known"}
    assert {t for a in answers for t in a.get("forwarded_whose", [])} >= {"another_child", "not_known"}
    assert any(v["expect"]["conditional"] for v in R3_VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_rule_vector(revision_2, vector):
    check_vector(revision_2, vector)


@pytest.mark.parametrize("vector", R3_VECTORS, ids=[v["name"] for v in R3_VECTORS])
def test_revision_3_rule_vector(procedure_document, vector):
    result = check_vector(procedure_document, vector)
    assert [a["action"] for a in result["actions"] if "condition" in a] == vector["expect"]["conditional"]


def check_vector(document, vector):
    result = rules.evaluate(document, vector["answers"], audience=vector.get("audience", "professional"))
    expect = vector["expect"]
    assert result["urgency"] == expect["urgency"]
    assert [[a["action"], a["urgency"]] for a in result["actions"]] == expect["actions"]
    assert [n["question"] for n in result["needs"]] == expect["needs"]
    assert (result["scope"] and result["scope"]["id"]) == expect["scope"]
    assert [g["id"] for g in result["guidance"]] == expect["guidance"]
    for action in result["actions"]:
        assert action["paragraphs"] and action["reasons"] and action["title"]
        assert action["source"] in ("chapter", "practice")
    for need in result["needs"]:
        assert need["actions"] and need["because"].startswith("It decides whether to: ")
    return result


def test_unanswered_is_never_no(revision_2):
    # The same scenario with the age missing recommends less but says why: never silently.
    known = rules.evaluate(revision_2, {"child_age": 14, "adult_sexual_communication": True})
    unknown = rules.evaluate(revision_2, {"adult_sexual_communication": True})
    assert {a["action"] for a in known["actions"]} == {"strategy-meeting-cep", "police-offence-sexual-communication"}
    need, = unknown["needs"]
    assert need["question"] == "child_age"
    assert set(need["actions"]) == {"strategy-meeting-cep", "police-offence-sexual-communication"}
    assert "tell the police: possible offence of sexual communication" in need["because"]


def test_a_blank_form_is_not_a_list_of_gaps(procedure_document):
    assert rules.evaluate(procedure_document, {})["needs"] == []
    assert rules.evaluate(procedure_document, {"child_age": 12, "looked_after": False})["needs"] == []


def test_the_age_is_tried_each_side_of_every_threshold(procedure_document):
    age = next(q for s in procedure_document["checklist"]["sections"] for q in s["questions"]
               if q["id"] == "child_age")
    assert rules.candidates(procedure_document, age) == [0, 15, 16, 17, 18, 19, 25]
    # Not known, the young person is treated as a child: only a child's ages are assumed.
    assert rules.unknown_candidates(procedure_document, age) == [0, 15, 16, 17]


def test_the_first_revision_stays_readable_and_evaluates(procedure_document):
    first = json.loads((DATA / "v10.json").read_text())
    result = rules.evaluate(first, {"child_age": 13, "suspected_grooming": True})
    assert [a["action"] for a in result["actions"]] == ["strategy-meeting-cep"]
    assert result["actions"][0]["source"] == "chapter"  # revision 1 has no labels: all chapter
