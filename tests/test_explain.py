""""How SafeVisit decides": the rule set rendered in words from the data, for sign-off."""
import copy

from backend.procedures import store
from backend.procedures.explain import explain_markdown


def test_explain_prints_every_rule_in_words_with_its_paragraphs(runner, procedure_document):
    result = runner.invoke(args=["procedures", "explain", "child-abuse-and-the-internet"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# How SafeVisit decides: Child Abuse and the Internet")
    assert "chapter v10, SafeVisit revision 3" in text
    assert "A young person whose age is not known is treated as a child." in text
    assert "**Review:** Not yet reviewed by a safeguarding lead." in text
    numbers = {p["id"]: p["number"] for p in procedure_document["paragraphs"]}
    for number, rule in enumerate(procedure_document["rules"], 1):
        heading = f"### {number}. {rule['id']} ("
        assert heading in text, rule["id"]
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        assert rule["why"] in section
        about = {"child": "the young person visited", "adult": "the adult of concern",
                 "other_child": "the child in an image", "other_children": "other children"}[rule["about"]]
        assert f"About: " in section and about in section, rule["id"]
        if "images" in rule:
            assert f"Images: {rule['images']}." in section
        for pid in rule["paragraphs"]:
            assert f"¶{numbers[pid]} ({pid})" in section
        for then in rule["then"]:
            assert f"`{then['action']}`" in section
    assert text.count("(Practice)") >= 5 and text.count("(Chapter)") >= 5


def test_conditions_read_as_plain_english(procedure_document):
    text = explain_markdown(procedure_document)
    rule = text.split("### 3. sexual-communication-under-16 (Chapter)", 1)[1].split("\n### ", 1)[0]
    assert "- All of these:" in rule and "  - Any of these:" in rule
    assert "“Has an adult communicated sexually with the child, or tried to get a sexual message or image from them?” is yes" in rule
    assert "“Who asked?” is “An adult”" in rule
    assert "“Child's age” is under 16" in rule
    assert "- **Urgent:** Tell the police: possible offence of sexual communication with a child under 16 (chapter;" in rule
    outcome_21 = text.split("voluntary-sharing-outcome-21 (Chapter)", 1)[1].split("\n### ", 1)[0]
    assert "“Is there concern that the child is being groomed online?” is not yes (or not answered)" in outcome_21
    assert "includes “None of these”" in outcome_21
    assert "“Child's age” is 18 or under" in text


def test_a_signed_off_review_is_shown(app, runner, procedure_document):
    reviewed = copy.deepcopy(procedure_document)
    reviewed.update(version="10-r2-reviewed",
                    review={"reviewed_by": "A. Lead", "role": "Designated safeguarding lead", "date": "2026-11-28"})
    with app.app_context():
        store.load(reviewed)
    text = runner.invoke(args=["procedures", "explain", "child-abuse-and-the-internet"]).output
    assert "**Review:** Signed off by A. Lead, Designated safeguarding lead, on 2026-11-28." in text
    older = runner.invoke(args=["procedures", "explain", "child-abuse-and-the-internet", "--version", "10"])
    assert older.exit_code == 0 and "version 10 (version id `10`" in older.output


def test_explain_an_unknown_procedure_fails_cleanly(runner):
    result = runner.invoke(args=["procedures", "explain", "nope"])
    assert result.exit_code != 0 and "No procedure 'nope'" in result.output
