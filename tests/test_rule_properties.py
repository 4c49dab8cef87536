"""Properties the evaluator proves on generated states, not only on named cases.

Hypothesis generates checklist states for the current revision (seeded: the same states on
every run); the JavaScript twin is compared with Python on a seeded batch of the same kind.
Each property names the chapter's reason; an exception is named in the data, with its reason
(`unknown` on a question, `needs_known` and `age_reason` on a rule).
"""
import json
import random
import shutil
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.procedures import rules
from backend.procedures.rules import conditions, recommend

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = json.loads((ROOT / "procedure_data" / "child-abuse-and-the-internet" / "v10-r3.json").read_text())
QUESTIONS = [q for s in DOCUMENT["checklist"]["sections"] for q in s["questions"]]
BY_ID = {q["id"]: q for q in QUESTIONS}
RULES = {r["id"]: r for r in DOCUMENT["rules"]}
PARAGRAPHS = {p["id"] for p in DOCUMENT["paragraphs"]}
RANK = rules.URGENCY_RANK
NODE = shutil.which("node") or "/usr/bin/node"
SETTINGS = settings(max_examples=700, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _values(question):
    """The answers a worker could give: every option (sets of them for multiple choice)."""
    if question["type"] == "multi_choice":
        plain = [o["value"] for o in question["options"] if not o.get("exclusive")]
        alone = [[o["value"]] for o in question["options"] if o.get("exclusive")]
        some = st.lists(st.sampled_from(plain), min_size=1, max_size=3, unique=True)
        return st.one_of(some, st.sampled_from(alone)) if alone else some
    values = rules.candidates(DOCUMENT, question)
    return st.sampled_from(values) if values else None


@st.composite
def states(draw):
    answers = {}
    for question in QUESTIONS:
        values = _values(question)
        # Most questions unanswered, as on a real visit: routes in play, gaps around them.
        if values is not None and draw(st.integers(0, 3)) == 0:
            answers[question["id"]] = draw(values)
    return answers


# What a professional's checklist holds (evaluate's default audience): the carer's own rules and
# actions are another view of the same document.
PROFESSIONAL = rules.for_audience(DOCUMENT, "professional")


def _direct(answers):
    """What the rules bring for these answers with nothing assumed: rule by rule."""
    considered = rules.visible_answers(PROFESSIONAL, answers)
    return {a["action"]: a for a in recommend.actions_of(PROFESSIONAL, recommend.fired(PROFESSIONAL, considered))}


@SETTINGS
@given(states())
def test_not_answering_never_removes_what_every_answer_would_bring(answers):
    result = {a["action"]: a for a in rules.evaluate(DOCUMENT, answers, with_needs=False)["actions"]}
    for question in rules.visible_questions(PROFESSIONAL, answers):
        if rules.is_known(answers.get(question["id"])):
            continue
        values = rules.unknown_candidates(PROFESSIONAL, question)
        brought = None
        for value in values:
            trial = _direct({**answers, question["id"]: value})
            # A rule that needs this question answered never brings its actions while it is not.
            trial = {k: a for k, a in trial.items()
                     if any(question["id"] not in RULES[r["rule"]].get("needs_known", []) for r in a["reasons"])}
            brought = trial if brought is None else {k: a for k, a in brought.items() if k in trial}
            for key in brought:
                if RANK[trial[key]["urgency"]] < RANK[brought[key]["urgency"]]:
                    brought[key] = trial[key]
        for key, action in (brought or {}).items():
            assert key in result, (question["id"], key)
            assert RANK[result[key]["urgency"]] >= RANK[action["urgency"]], (question["id"], key)


def test_the_unknowns_principle_in_the_issue_example():
    result = rules.evaluate(DOCUMENT, {"adult_arranged_meeting": True})
    cep = next(a for a in result["actions"] if a["action"] == "strategy-meeting-cep")
    assert cep["urgency"] == "urgent"
    assert cep["condition"]["question"] == "child_age" and "under 18" in cep["condition"]["text"]
    assert result["needs"][0]["question"] == "child_age"


ADULT_RULES = {r["id"] for r in DOCUMENT["rules"] if r.get("about") == "adult" and "age_reason" not in r}


def test_rules_about_the_adult_do_not_read_the_age_unless_they_say_why():
    assert ADULT_RULES  # the adult's routes exist in this revision
    for rule in DOCUMENT["rules"]:
        reads = {leaf["q"] for leaf in conditions.leaves(rule["when"])}
        if rule["id"] in ADULT_RULES:
            assert "child_age" not in reads, rule["id"]


@SETTINGS
@given(states(), st.sampled_from([0, 9, 14, 15, 16, 17, 18, 19, 25]))
def test_the_adults_routes_are_the_same_whatever_the_young_persons_age(answers, age):
    def adult_routes(with_age):
        considered = rules.visible_answers(DOCUMENT, with_age)
        return {r["id"] for r in recommend.fired(DOCUMENT, considered)} & ADULT_RULES
    without = {k: v for k, v in answers.items() if k != "child_age"}
    assert adult_routes({**without, "child_age": age}) == adult_routes(without)


def _add_risk(answers, question, value):
    if question["type"] != "multi_choice":
        return {**answers, question["id"]: value}
    exclusive = {o["value"] for o in question["options"] if o.get("exclusive")}
    held = [v for v in answers.get(question["id"], []) if v not in exclusive]
    return {**answers, question["id"]: held if value in held else held + [value]}


def _highest(answers):
    urgency = rules.evaluate(DOCUMENT, answers, with_needs=False)["urgency"]
    return -1 if urgency is None else RANK[urgency]


RISKY = [(q, v) for q in QUESTIONS for v in q.get("risk", [])]


@SETTINGS
@given(states(), st.sampled_from(RISKY))
def test_adding_a_risk_fact_never_lowers_the_highest_urgency(answers, risk):
    question, value = risk
    current = answers.get(question["id"])
    if question["type"] != "multi_choice" and rules.is_known(current):
        return  # adding, not changing, an answer
    assert _highest(_add_risk(answers, question, value)) >= _highest(answers)


ADULT_OR_UNKNOWN_PARTY = [
    ("adult_concern", True), ("adult_sexual_communication", True), ("adult_arranged_meeting", True),
    ("image_requester", "adult"), ("image_requester", "not_known"), ("adult_indecent_images", True),
    ("found_device_owner", "adult_of_concern"), ("found_device_owner", "other_adult"),
    ("exposure_by", "adult_deliberate"), ("suspected_grooming", True), ("child_forwarded_images", True)]
LISTED_PARTIES = {"sent_to": {"adult", "not_known"}, "received_from": {"adult", "not_known"}}
AGGRAVATING = {"coercion", "grooming", "adult_involved", "profit", "malicious", "persistent"}


@SETTINGS
@given(states())
def test_outcome_21_never_appears_beside_an_adult_an_aggravating_factor_or_an_unknown_party(answers):
    result = rules.evaluate(DOCUMENT, answers, with_needs=False)
    if "outcome-21-discussion" not in {a["action"] for a in result["actions"]}:
        return
    considered = rules.visible_answers(DOCUMENT, answers)
    for question, value in ADULT_OR_UNKNOWN_PARTY:
        assert considered.get(question) != value, question
    for question, parties in LISTED_PARTIES.items():
        assert not parties & set(considered.get(question, [])), question
    assert not AGGRAVATING & set(considered.get("sharing_aggravating_factors", []))
    assert isinstance(considered.get("child_age"), int) and considered["child_age"] < 18
    assert not [a for a in result["actions"] if a.get("condition")
                and a["action"] == "outcome-21-discussion"]  # never assumed: both ages must be known
    assert not {r["rule"] for a in result["actions"] for r in a["reasons"]} & {
        r for r, rule in RULES.items() if rule.get("about") == "adult"}


@SETTINGS
@given(states())
def test_every_recommended_action_cites_a_paragraph_and_says_chapter_or_practice(answers):
    result = rules.evaluate(DOCUMENT, answers)
    for action in result["actions"]:
        assert action["paragraphs"] and set(action["paragraphs"]) <= PARAGRAPHS, action["action"]
        assert action["source"] in ("chapter", "practice") and action["reasons"]
    for need in result["needs"]:
        assert need["actions"]
    conditional = [a["condition"]["question"] for a in result["actions"] if "condition" in a]
    if conditional:  # what rests on an unknown is asked first
        assert result["needs"][0]["question"] in conditional


def _seeded_states(count, seed):
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        answers = {}
        for question in QUESTIONS:
            if rnd.random() >= 0.25:
                continue
            if question["type"] == "multi_choice":
                plain = [o["value"] for o in question["options"] if not o.get("exclusive")]
                alone = [o["value"] for o in question["options"] if o.get("exclusive")]
                answers[question["id"]] = ([rnd.choice(alone)] if alone and rnd.random() < 0.2
                                           else rnd.sample(plain, rnd.randint(1, min(3, len(plain)))))
            elif values := rules.candidates(DOCUMENT, question):
                answers[question["id"]] = rnd.choice(values)
        out.append(answers)
    return out


def test_javascript_gives_the_same_results_on_generated_states():
    cases = _seeded_states(3000, seed=2210)
    script = ("import { evaluate } from './pwa/js/rules.js'; import { readFileSync } from 'node:fs';"
              "const [doc, cases] = JSON.parse(readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(cases.map((a) => evaluate(doc, a))));")
    run = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                         input=json.dumps([DOCUMENT, cases]), text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    javascript = json.loads(run.stdout)
    python = [rules.evaluate(DOCUMENT, a) for a in cases]
    assert sum(1 for r in python if any("condition" in a for a in r["actions"])) > 50  # the principle is exercised
    mismatched = [i for i in range(len(cases)) if javascript[i] != python[i]]
    assert not mismatched, (cases[mismatched[0]], python[mismatched[0]], javascript[mismatched[0]])
