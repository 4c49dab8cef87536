"""The unknowns principle: if every possible answer to an unanswered question would bring an
action, not answering brings it too. pwa/js/rules/unknowns.js is its twin.

Such an action carries a `condition` ({"question", "label", "text"}) saying what it rests on,
and its question comes first in `needs`. A question may narrow its possible answers for this
(`unknown`: a young person whose age is not known is treated as a child), and a rule may name
questions it needs answered (`needs_known`, with the chapter's reason) when not knowing must
never bring it.
"""
from .conditions import is_answered, is_number, leaves
from .reads import reads
from .recommend import URGENCY_RANK, actions_of, fired_after
from .visibility import visible_answers, visible_questions


def is_known(value) -> bool:
    """Answered with something other than "Not known" (the `not_known` option): for what is
    still to find out, an explicit "not known" is no more an answer than a blank."""
    return is_answered(value) and value != "not_known" and value != ["not_known"]


def candidates(document: dict, question: dict) -> list:
    """The answers worth trying for an unanswered question: every option, or for a number
    each side of every threshold the conditions compare it with (within its bounds)."""
    kind = question["type"]
    if kind == "boolean":
        return [True, False]
    if kind == "choice":
        return [o["value"] for o in question["options"]]
    if kind == "multi_choice":
        return [[o["value"]] for o in question["options"]]
    if kind != "integer":
        return []
    conditions = [r["when"] for r in document["rules"]] + [
        n["when"] for n in document.get("scope", [])]
    numbers = set()
    for cond in conditions:
        for leaf in leaves(cond):
            if leaf["q"] == question["id"] and is_number(leaf.get("value")):
                numbers.update((leaf["value"] - 1, leaf["value"], leaf["value"] + 1))
    numbers.update(n for n in (question.get("min"), question.get("max")) if n is not None)
    low, high = question.get("min", float("-inf")), question.get("max", float("inf"))
    return sorted(n for n in numbers if low <= n <= high)


def unknown_candidates(document: dict, question: dict) -> list:
    """The answers an unanswered question could still turn out to have, for the unknowns
    principle: its candidates, within the range its `unknown` allows."""
    bounds = question.get("unknown", {})
    low, high = bounds.get("min", float("-inf")), bounds.get("max", float("inf"))
    return [v for v in candidates(document, question)
            if not is_number(v) or low <= v <= high]


def _merge(into: dict, more: dict) -> None:
    if URGENCY_RANK[more["urgency"]] < URGENCY_RANK[into["urgency"]]:
        into["urgency"] = more["urgency"]  # what every answer brings: the least of them
    into["paragraphs"] += [p for p in more["paragraphs"] if p not in into["paragraphs"]]
    seen = {r["rule"] for r in into["reasons"]}
    into["reasons"] += [r for r in more["reasons"] if r["rule"] not in seen]


def assumed(document: dict, answers: dict, considered: dict, fired_before: list[dict],
            base: dict[str, dict]) -> list[tuple[dict, dict]]:
    """What every possible answer to an unanswered question would bring, beyond `base`:
    (question, action) pairs in checklist order, each action at the urgency all answers share."""
    known = reads(document)
    before = {rule["id"] for rule in fired_before}
    result: list[tuple[dict, dict]] = []
    taken: set = set()
    for question in visible_questions(document, answers):
        qid = question["id"]
        if is_known(answers.get(qid)) or qid not in known["read"]:
            continue  # nothing reads it: no answer to it could change a recommendation
        shows_others = qid in known["visibility"]
        common: dict[str, dict] | None = None
        for value in unknown_candidates(document, question):
            trial = (visible_answers(document, {**answers, qid: value}) if shows_others
                     else {**considered, qid: value})
            fired = [rule for rule in fired_after(document, trial, considered, before)
                     if qid not in rule.get("needs_known", ())]
            brought = {a["action"]: a for a in actions_of(document, fired)}
            if common is None:
                common = brought
            else:
                common = {key: common[key] for key in common if key in brought}
                for key, action in common.items():
                    _merge(action, brought[key])
            if not common:
                break
        for key, action in (common or {}).items():
            had = base.get(key)
            if key in taken or (had and URGENCY_RANK[had["urgency"]] >= URGENCY_RANK[action["urgency"]]):
                continue
            taken.add(key)
            text = question.get("unknown", {}).get("condition") or (
                "whatever the answer to “" + question["label"] + "” — answer it")
            result.append((question, {**action, "condition": {
                "question": qid, "label": question["label"], "text": text}}))
    return result


def variants(document: dict, answers: dict, considered: dict) -> list[tuple[dict, dict]]:
    """The answers as they stand, then as they may be under each narrowed unknown: needs look
    ahead under the same assumption as the recommendations (a young person whose age is not
    known is treated as a child, so what would matter for a child is asked)."""
    found = [(answers, considered)]
    extra = [answers]
    for question in visible_questions(document, answers):
        if "unknown" in question and not is_known(answers.get(question["id"])):
            extra = [{**a, question["id"]: value} for a in extra
                     for value in unknown_candidates(document, question)]
    if extra != [answers]:
        found += [(a, visible_answers(document, a)) for a in extra]
    return found
