"""The procedure as data: schema, cross-references and the citation coverage rule."""
import copy
import json

import pytest

from backend.procedures.document import DocumentError, read_file, validate


def test_the_shipped_chapter_is_valid(procedure_document):
    validate(procedure_document)
    assert procedure_document["slug"] == "child-abuse-and-the-internet"
    assert procedure_document["version"] == "10-r3"
    assert procedure_document["chapter_version"] == "10" and procedure_document["revision"] == 3
    assert procedure_document["updated"] == "2024-09-24"


def test_every_paragraph_of_the_chapter_is_encoded(procedure_document):
    # The chapter has fifteen paragraphs of substance between its amendment note and footer.
    numbers = [p["number"] for p in procedure_document["paragraphs"]]
    assert numbers == list(range(1, 16))


def test_every_question_and_rule_cites_a_paragraph_that_exists(procedure_document):
    ids = {p["id"] for p in procedure_document["paragraphs"]}
    questions = [q for s in procedure_document["checklist"]["sections"] for q in s["questions"]]
    assert questions and procedure_document["rules"]
    for item in questions + procedure_document["rules"]:
        assert item["paragraphs"], item["id"]
        assert set(item["paragraphs"]) <= ids, item["id"]


def test_every_paragraph_is_used_by_a_question_or_rule(procedure_document):
    used = {pid for s in procedure_document["checklist"]["sections"]
            for q in s["questions"] for pid in q["paragraphs"]}
    used |= {pid for r in procedure_document["rules"] for pid in r["paragraphs"]}
    assert used == {p["id"] for p in procedure_document["paragraphs"]}


def test_removing_the_only_citation_of_a_paragraph_is_refused(procedure_document):
    doc = copy.deepcopy(procedure_document)
    # "college-of-policing-briefing" is cited by one question and two rules.
    for section in doc["checklist"]["sections"]:
        for question in section["questions"]:
            question["paragraphs"] = [p for p in question["paragraphs"]
                                      if p != "college-of-policing-briefing"] or ["outcome-21"]
    for rule in doc["rules"]:
        rule["paragraphs"] = [p for p in rule["paragraphs"]
                              if p != "college-of-policing-briefing"] or ["outcome-21"]
    with pytest.raises(DocumentError) as err:
        validate(doc)
    assert err.value.path == "$.paragraphs[4]"
    assert "used by no question or rule" in err.value.message


def test_a_rule_without_citations_is_refused_with_its_path(procedure_document):
    doc = copy.deepcopy(procedure_document)
    doc["rules"][2]["paragraphs"] = []
    with pytest.raises(DocumentError) as err:
        validate(doc)
    assert err.value.path == "$.rules[2].paragraphs"


def test_a_question_citing_an_unknown_paragraph_is_refused(procedure_document):
    doc = copy.deepcopy(procedure_document)
    doc["checklist"]["sections"][1]["questions"][0]["paragraphs"] = ["no-such-paragraph"]
    with pytest.raises(DocumentError) as err:
        validate(doc)
    assert err.value.path == "$.checklist.sections[1].questions[0].paragraphs[0]"


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d["rules"][0]["then"][0].update(action="no-such-action"), "$.rules[0].then[0].action"),
    (lambda d: d["rules"][0].update(when={"q": "no_such_question", "op": "answered"}), "$.rules[0].when.q"),
    (lambda d: d["rules"][1]["then"][0].update(urgency="whenever"), "$.rules[1].then[0].urgency"),
    (lambda d: d["checklist"]["sections"][0]["questions"].append(
        dict(d["checklist"]["sections"][0]["questions"][0])), "$.checklist.sections[0].questions[1].id"),
    (lambda d: d["rules"][26]["when"]["all"][0].update(value=["maybe"]), "$.rules[26].when.all[0].value"),
    (lambda d: d["checklist"]["sections"][2].update(guidance=["no-such-guidance"]), "$.checklist.sections[2].guidance[0]"),
    (lambda d: d["guidance"][0].update(when={"q": "no_such_question", "op": "answered"}), "$.guidance[0].when.q"),
    (lambda d: d["scope"][0].update(paragraphs=["no-such-paragraph"]), "$.scope[0].paragraphs[0]"),
    (lambda d: d["actions"][4].pop("source"), "$.actions[4]"),
    (lambda d: d["rules"][0].pop("reference"), "$.rules[0]"),
])
def test_broken_cross_references_are_refused_with_the_path(procedure_document, mutate, path):
    doc = copy.deepcopy(procedure_document)
    mutate(doc)
    with pytest.raises(DocumentError) as err:
        validate(doc)
    assert err.value.path == path


def test_a_section_condition_may_not_look_ahead(procedure_document):
    doc = copy.deepcopy(procedure_document)
    doc["checklist"]["sections"][0]["when"] = {"q": "concern_specific_child", "op": "answered"}
    with pytest.raises(DocumentError) as err:
        validate(doc)
    assert err.value.path == "$.checklist.sections[0].when.q"


def test_a_file_that_is_not_json_is_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"slug": ')
    with pytest.raises(DocumentError) as err:
        read_file(broken)
    assert "not JSON" in err.value.message


def test_validate_command_reports_the_path(runner, tmp_path, procedure_document):
    doc = copy.deepcopy(procedure_document)
    del doc["rules"][3]["why"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(args=["procedures", "validate", str(path)])
    assert result.exit_code == 1
    assert "INVALID at $.rules[3]" in result.output
    assert "'why' is a required property" in result.output
