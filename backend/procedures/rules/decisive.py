"""The decisive questions: unanswered, shown questions whose answer would change what is
recommended, each with the actions it decides. pwa/js/rules/decisive.js is its twin.

Only routes already in play count, so a blank form is not a list of gaps: a rule is in play
when an answer given points into it, and a follow-up question (one shown because of an answer
given) is in play itself. A question is decisive when one of its possible answers makes such a
rule fire or stop firing and so changes the recommendations.
"""
from .conditions import evidence, holds
from .reads import reads
from .recommend import actions_of, collect, fired, fired_after
from .unknowns import assumed, candidates, is_known, variants
from .visibility import visible_answers, visible_questions


def needs(document: dict, answers: dict) -> list[dict]:
    """Unanswered, shown questions whose answer would change what is recommended; `because`
    names every action that answer could add, remove or make more urgent."""
    considered = visible_answers(document, answers)
    fired_before = fired(document, considered)
    assumed_pairs = assumed(document, answers, considered, fired_before, collect(document, fired_before))
    return needs_of(document, answers, considered, assumed_pairs)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _outcome(actions: list[dict]) -> set:
    return {(a["action"], a["urgency"]) for a in actions}


def _decisive(document: dict, answers: dict, considered: dict, also: set) -> dict[str, set]:
    """For one set of answers: each unanswered question's actions that one of its answers
    would add, remove or make more urgent, among routes in play (and questions in `also`)."""
    fired_before = fired(document, considered)
    before = {rule["id"] for rule in fired_before}
    outcome = _outcome(actions_of(document, fired_before))
    in_play = {rule["id"] for rule in document["rules"] if evidence(rule["when"], considered)}
    found: dict[str, set] = {}
    # Without trials: a question that is no follow-up can only matter through a rule in play
    # that reads it, or by showing or hiding other answers.
    known = reads(document)
    worth_trying = known["visibility"].union(*(known["rules"][r] for r in in_play))
    for question in visible_questions(document, answers):
        if is_known(answers.get(question["id"])):
            continue
        # A follow-up (shown because of an answer given) is in play itself, and so is a question
        # the checklist asks whenever its `prompt_when` holds (Significant Harm, with a route about the child).
        follow_up = ("when" in question and evidence(question["when"], considered)) or (
            "prompt_when" in question and holds(question["prompt_when"], considered))
        if not follow_up and question["id"] not in also and question["id"] not in worth_trying:
            continue
        changed: set = set()
        shows_others = question["id"] in known["visibility"]
        for value in candidates(document, question):
            # A question no `when` reads shows and hides nothing: the trial only adds its answer.
            trial = (visible_answers(document, {**answers, question["id"]: value}) if shows_others
                     else {**considered, question["id"]: value})
            after = fired_after(document, trial, considered, before)
            flipped = before ^ {rule["id"] for rule in after}
            if not flipped:
                continue  # the same rules fire: the same recommendations
            difference = outcome ^ _outcome(actions_of(document, after))
            if difference and (follow_up or question["id"] in also or flipped & in_play):
                changed.update(action for action, _ in difference)
        if changed:
            found[question["id"]] = changed
    return found


def needs_of(document: dict, answers: dict, considered: dict, assumed_pairs: list) -> list[dict]:
    """The needs for these answers, given what the unknowns principle brought (`assumed_pairs`:
    (question, action) pairs, see unknowns.assumed)."""
    conditional = {q["id"] for q, _ in assumed_pairs}
    changed: dict[str, set] = {}
    for variant, variant_considered in variants(document, answers, considered):
        for qid, actions in _decisive(document, variant, variant_considered, conditional).items():
            changed.setdefault(qid, set()).update(actions)
    for question, action in assumed_pairs:
        changed.setdefault(question["id"], set()).add(action["action"])
    action_order = [a["id"] for a in document["actions"]]
    titles = {a["id"]: a["title"] for a in document["actions"]}
    found = []
    for question in visible_questions(document, answers):
        if question["id"] not in changed or is_known(answers.get(question["id"])):
            continue
        ids = [a for a in action_order if a in changed[question["id"]]]
        found.append({"question": question["id"], "label": question["label"], "actions": ids,
                      "because": "It decides whether to: " + "; ".join(
                          _lower_first(titles[a]) for a in ids) + "."})
    # What rests on an unknown answer is asked first.
    return [n for n in found if n["question"] in conditional] + [n for n in found if n["question"] not in conditional]
