"""The shared rule vectors, run against the Python evaluator (pwa/tests runs them in JS).

Each vector is a scenario from the chapter and `cites` the sentence (or labelled practice)
it tests; it pins the recommended actions, the decisive unanswered questions (`needs`), the
scope note and the guidance.
"""
import json
from pathlib import Path

import pytest

from backend.procedures import rules

DATA = Path(__file__).resolve().parent.parent / "procedure_data" / "child-abuse-and-the-internet"
VECTOR_FILE = json.loads((DATA / "v10-r2.vectors.json").read_text())
VECTORS = VECTOR_FILE["vectors"]


def test_the_vectors_are_for_the_current_revision(procedure_document):
    assert VECTOR_FILE["version"] == procedure_document["version"] == "10-r2"


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


def test_the_vectors_cover_every_rule(procedure_document):
    fired = set()
    for vector in VECTORS:
        for action in rules.evaluate(procedure_document, vector["answers"],
                                     audience=vector.get("audience", "professional"))["actions"]:
            fired.update(reason["rule"] for reason in action["reasons"])
    assert fired == {rule["id"] for rule in procedure_document["rules"]}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_rule_vector(procedure_document, vector):
    result = rules.evaluate(procedure_document, vector["answers"], audience=vector.get("audience", "professional"))
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


def test_unanswered_is_never_no(procedure_document):
    # The same scenario with the age missing recommends less but says why: never silently.
    known = rules.evaluate(procedure_document, {"child_age": 14, "adult_sexual_communication": True})
    unknown = rules.evaluate(procedure_document, {"adult_sexual_communication": True})
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


def test_the_first_revision_stays_readable_and_evaluates(procedure_document):
    first = json.loads((DATA / "v10.json").read_text())
    result = rules.evaluate(first, {"child_age": 13, "suspected_grooming": True})
    assert [a["action"] for a in result["actions"]] == ["strategy-meeting-cep"]
    assert result["actions"][0]["source"] == "chapter"  # revision 1 has no labels: all chapter
