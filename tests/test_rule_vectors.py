"""The shared rule vectors, run against the Python evaluator (pwa/tests runs them in JS)."""
import json
from pathlib import Path

import pytest

from backend.procedures import rules

DATA = Path(__file__).resolve().parent.parent / "procedure_data" / "child-abuse-and-the-internet"
VECTORS = json.loads((DATA / "v10.vectors.json").read_text())["vectors"]


def test_the_vectors_cover_every_rule(procedure_document):
    fired = set()
    for vector in VECTORS:
        for action in rules.evaluate(procedure_document, vector["answers"])["actions"]:
            fired.update(reason["rule"] for reason in action["reasons"])
    assert fired == {rule["id"] for rule in procedure_document["rules"]}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_rule_vector(procedure_document, vector):
    result = rules.evaluate(procedure_document, vector["answers"])
    assert result["urgency"] == vector["expect"]["urgency"]
    assert [[a["action"], a["urgency"]] for a in result["actions"]] == vector["expect"]["actions"]
    for action in result["actions"]:
        assert action["paragraphs"] and action["reasons"] and action["title"]
