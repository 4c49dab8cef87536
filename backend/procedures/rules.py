"""The decision-rule evaluator. pwa/js/rules.js is its twin: keep them side by side.

Both take a procedure document and a mapping of answers and return
{"urgency": <highest or None>, "actions": [...], "needs": [...], "scope": <note or None>,
"guidance": [...]} where each action is
{"action", "title", "urgency", "source", "paragraphs", "reasons": [{"rule", "why"}]},
most urgent first, ties in the order the rules first named them; each need is
{"question", "label", "actions", "because"}: an unanswered question that decides a route.
Unanswered is never read as "no".
Answers to questions that are not shown (their section or question `when`
is false) are ignored, so hidden answers never drive a recommendation.

One principle for what is not known: if every possible answer to an unanswered question
would bring an action, not answering brings it too. Such an action carries a `condition`
({"question", "label", "text"}) saying what it rests on, and its question comes first in
`needs`. A question may narrow its possible answers for this (`unknown`: a young person
whose age is not known is treated as a child), and a rule may name questions it needs
answered (`needs_known`, with the chapter's reason) when not knowing must never bring it.
"""
from ..urgency import RANK as URGENCY_RANK

# Who a checklist is for (the author's role: backend/accounts/capabilities.py audience_of).
AUDIENCES = ("professional", "carer")
_AUDIENCE_VIEWS: dict[tuple[int, str], tuple[dict, dict]] = {}


def _for(item: dict, audience: str) -> bool:
    return audience in item.get("audience", AUDIENCES)  # unmarked: everyone


def for_audience(document: dict, audience: str = "professional") -> dict:
    """The document as `audience` sees it: the sections, questions and actions marked for others
    left out, and with them every rule left with no action. A foster carer is not asked the
    professionals' questions nor told to convene their meetings; professionals never see the
    carer's. Kept per document object, like _reads. pwa/js/rules.js forAudience is its twin."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    key = (id(document), audience)
    cached = _AUDIENCE_VIEWS.get(key)
    if cached is not None and cached[0] is document:
        return cached[1]
    actions = [a for a in document["actions"] if _for(a, audience)]
    kept = {a["id"] for a in actions}
    rules = []
    for rule in document["rules"]:
        then = [t for t in rule["then"] if t["action"] in kept]
        if then:
            rules.append(rule if len(then) == len(rule["then"]) else {**rule, "then": then})
    sections = []
    for section in document["checklist"]["sections"]:
        questions = [q for q in section["questions"] if _for(q, audience)]
        if _for(section, audience) and questions:
            sections.append({**section, "questions": questions})
    view = {**document, "checklist": {**document["checklist"], "sections": sections},
            "actions": actions, "rules": rules}
    _AUDIENCE_VIEWS[key] = (document, view)
    return view


def is_answered(value) -> bool:
    return value is not None and value != "" and value != []


def is_known(value) -> bool:
    """Answered with something other than "Not known" (the `not_known` option): for what is
    still to find out, an explicit "not known" is no more an answer than a blank."""
    return is_answered(value) and value != "not_known" and value != ["not_known"]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def holds(cond: dict, answers: dict) -> bool:
    if "all" in cond:
        return all(holds(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, answers) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], answers)
    answer = answers.get(cond["q"])
    op, value = cond["op"], cond.get("value")
    if op == "answered":
        return is_answered(answer)
    if op == "empty":
        return not is_answered(answer)
    if not is_answered(answer):
        return False
    if op == "eq":
        return type(answer) is type(value) and answer == value
    if op == "in":
        return any(type(answer) is type(v) and answer == v for v in value)
    if op == "includes":
        return isinstance(answer, list) and value in answer
    if not (_number(answer) and _number(value)):
        return False
    if op == "lt":
        return answer < value
    if op == "lte":
        return answer <= value
    if op == "gt":
        return answer > value
    if op == "gte":
        return answer >= value
    raise ValueError(f"unknown operator {op!r}")


def visible_questions(document: dict, answers: dict) -> list[dict]:
    """The questions shown for these answers, in checklist order."""
    shown: list[dict] = []
    considered: dict = {}
    for section in document["checklist"]["sections"]:
        section_shown = "when" not in section or holds(section["when"], considered)
        for question in section["questions"]:
            if section_shown and ("when" not in question or holds(question["when"], considered)):
                shown.append(question)
                if question["id"] in answers:
                    considered[question["id"]] = answers[question["id"]]
    return shown


def visible_answers(document: dict, answers: dict) -> dict:
    return {q["id"]: answers[q["id"]] for q in visible_questions(document, answers)
            if q["id"] in answers}


def _fired(document: dict, considered: dict) -> list[dict]:
    return [rule for rule in document["rules"] if holds(rule["when"], considered)]


def _collect(document: dict, fired: list[dict]) -> dict[str, dict]:
    by_id = _reads(document)["actions"]
    found: dict[str, dict] = {}
    for rule in fired:
        for then in rule["then"]:
            known = by_id[then["action"]]
            action = found.setdefault(then["action"], {
                "action": then["action"], "title": known["title"], "urgency": then["urgency"],
                "source": known.get("source", "chapter"), "paragraphs": [], "reasons": [],
            })
            if URGENCY_RANK[then["urgency"]] > URGENCY_RANK[action["urgency"]]:
                action["urgency"] = then["urgency"]
            for pid in rule["paragraphs"]:
                if pid not in action["paragraphs"]:
                    action["paragraphs"].append(pid)
            action["reasons"].append({"rule": rule["id"], "why": rule["why"]})
    return found


def _finish(document: dict, found: list[dict]) -> list[dict]:
    """Drops an action another recommended action stands in for (`superseded_by`: asking
    about grooming once the Strategy Meeting is recommended), then most urgent first."""
    by_id = _reads(document)["actions"]
    present = {a["action"] for a in found}
    kept = [a for a in found if not present.intersection(by_id[a["action"]].get("superseded_by", ()))]
    order = [a["action"] for a in kept]
    return sorted(kept, key=lambda a: (-URGENCY_RANK[a["urgency"]], order.index(a["action"])))


def _actions(document: dict, fired: list[dict]) -> list[dict]:
    return _finish(document, list(_collect(document, fired).values()))


def _evidence(cond: dict, answers: dict, negated: bool = False) -> bool:
    """Does an answer already given point into this condition (an eq/in/includes leaf that
    holds, not under a `not`)? Only such a rule is "in play": a blank form is not a gap."""
    if "all" in cond or "any" in cond:
        return any(_evidence(c, answers, negated) for c in cond.get("all", cond.get("any")))
    if "not" in cond:
        return _evidence(cond["not"], answers, not negated)
    return not negated and cond["op"] in ("eq", "in", "includes") and holds(cond, answers)


def _leaves(cond: dict):
    for key in ("all", "any"):
        for sub in cond.get(key, []):
            yield from _leaves(sub)
    if "not" in cond:
        yield from _leaves(cond["not"])
    if "q" in cond:
        yield cond


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
        for leaf in _leaves(cond):
            if leaf["q"] == question["id"] and _number(leaf.get("value")):
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
            if not _number(v) or low <= v <= high]


def _merge(into: dict, more: dict) -> None:
    if URGENCY_RANK[more["urgency"]] < URGENCY_RANK[into["urgency"]]:
        into["urgency"] = more["urgency"]  # what every answer brings: the least of them
    into["paragraphs"] += [p for p in more["paragraphs"] if p not in into["paragraphs"]]
    seen = {r["rule"] for r in into["reasons"]}
    into["reasons"] += [r for r in more["reasons"] if r["rule"] not in seen]


def _assumed(document: dict, answers: dict, considered: dict, fired_before: list[dict],
             base: dict[str, dict]) -> list[tuple[dict, dict]]:
    """What every possible answer to an unanswered question would bring, beyond `base`:
    (question, action) pairs in checklist order, each action at the urgency all answers share."""
    reads = _reads(document)
    before = {rule["id"] for rule in fired_before}
    result: list[tuple[dict, dict]] = []
    taken: set = set()
    for question in visible_questions(document, answers):
        qid = question["id"]
        if is_known(answers.get(qid)) or qid not in reads["read"]:
            continue  # nothing reads it: no answer to it could change a recommendation
        shows_others = qid in reads["visibility"]
        common: dict[str, dict] | None = None
        for value in unknown_candidates(document, question):
            trial = (visible_answers(document, {**answers, qid: value}) if shows_others
                     else {**considered, qid: value})
            fired = [rule for rule in _fired_after(document, trial, considered, before)
                     if qid not in rule.get("needs_known", ())]
            brought = {a["action"]: a for a in _actions(document, fired)}
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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _outcome(actions: list[dict]) -> set:
    return {(a["action"], a["urgency"]) for a in actions}


_READS: dict[int, tuple[dict, dict]] = {}


def _reads(document: dict) -> dict:
    """Which questions each rule reads, and which questions any `when` that shows a section or
    question reads. Kept per document object: documents are loaded once, never changed in place."""
    cached = _READS.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    shown_by = []
    for section in document["checklist"]["sections"]:
        shown_by += [section["when"]] if "when" in section else []
        shown_by += [q["when"] for q in section["questions"] if "when" in q]
    by_rule = {r["id"]: frozenset(leaf["q"] for leaf in _leaves(r["when"])) for r in document["rules"]}
    visibility = frozenset(leaf["q"] for cond in shown_by for leaf in _leaves(cond))
    reads = {"rules": by_rule, "visibility": visibility, "read": visibility.union(*by_rule.values()),
             "actions": {a["id"]: a for a in document["actions"]}}
    _READS[id(document)] = (document, reads)
    return reads


def _same(a, b) -> bool:
    # As strict as `holds`: True is not 1, and [True] is not [1].
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _changed(before: dict, after: dict) -> set:
    return {q for q in before.keys() | after.keys()
            if q not in before or q not in after or not _same(before[q], after[q])}


def _fired_after(document: dict, trial: dict, considered: dict, fired_before: set) -> list[dict]:
    """_fired(document, trial), knowing which rules fired on `considered`: only a rule that
    reads an answer the trial changed can change (the server works out every submission's
    gaps, trying each decisive answer)."""
    changed = _changed(considered, trial)
    reads = _reads(document)["rules"]
    return [rule for rule in document["rules"]
            if (holds(rule["when"], trial) if reads[rule["id"]] & changed else rule["id"] in fired_before)]


def needs(document: dict, answers: dict) -> list[dict]:
    """Unanswered, shown questions whose answer would change what is recommended.

    Only routes already in play count, so a blank form is not a list of gaps: a rule is in
    play when an answer given points into it, and a follow-up question (one shown because of
    an answer given) is in play itself. The question is decisive when one of its possible
    answers makes such a rule fire or stop firing and so changes the recommendations;
    `because` names every action that answer could add, remove or make more urgent.
    """
    considered = visible_answers(document, answers)
    fired = _fired(document, considered)
    assumed = _assumed(document, answers, considered, fired, _collect(document, fired))
    return _needs(document, answers, considered, assumed)


def _variants(document: dict, answers: dict, considered: dict) -> list[tuple[dict, dict]]:
    """The answers as they stand, then as they may be under each narrowed unknown: needs look
    ahead under the same assumption as the recommendations (a young person whose age is not
    known is treated as a child, so what would matter for a child is asked)."""
    variants = [(answers, considered)]
    extra = [answers]
    for question in visible_questions(document, answers):
        if "unknown" in question and not is_known(answers.get(question["id"])):
            extra = [{**a, question["id"]: value} for a in extra
                     for value in unknown_candidates(document, question)]
    if extra != [answers]:
        variants += [(a, visible_answers(document, a)) for a in extra]
    return variants


def _decisive(document: dict, answers: dict, considered: dict, also: set) -> dict[str, set]:
    """For one set of answers: each unanswered question's actions that one of its answers
    would add, remove or make more urgent, among routes in play (and questions in `also`)."""
    fired_before = _fired(document, considered)
    before = {rule["id"] for rule in fired_before}
    outcome = _outcome(_actions(document, fired_before))
    in_play = {rule["id"] for rule in document["rules"] if _evidence(rule["when"], considered)}
    found: dict[str, set] = {}
    # Without trials: a question that is no follow-up can only matter through a rule in play
    # that reads it, or by showing or hiding other answers.
    reads = _reads(document)
    worth_trying = reads["visibility"].union(*(reads["rules"][r] for r in in_play))
    for question in visible_questions(document, answers):
        if is_known(answers.get(question["id"])):
            continue
        # A follow-up (shown because of an answer given) is in play itself, and so is a question
        # the checklist asks whenever its `prompt_when` holds (Significant Harm, with a route about the child).
        follow_up = ("when" in question and _evidence(question["when"], considered)) or (
            "prompt_when" in question and holds(question["prompt_when"], considered))
        if not follow_up and question["id"] not in also and question["id"] not in worth_trying:
            continue
        changed: set = set()
        shows_others = question["id"] in reads["visibility"]
        for value in candidates(document, question):
            # A question no `when` reads shows and hides nothing: the trial only adds its answer.
            trial = (visible_answers(document, {**answers, question["id"]: value}) if shows_others
                     else {**considered, question["id"]: value})
            fired_after = _fired_after(document, trial, considered, before)
            flipped = before ^ {rule["id"] for rule in fired_after}
            if not flipped:
                continue  # the same rules fire: the same recommendations
            difference = outcome ^ _outcome(_actions(document, fired_after))
            if difference and (follow_up or question["id"] in also or flipped & in_play):
                changed.update(action for action, _ in difference)
        if changed:
            found[question["id"]] = changed
    return found


def _needs(document: dict, answers: dict, considered: dict, assumed: list) -> list[dict]:
    conditional = {q["id"] for q, _ in assumed}
    changed: dict[str, set] = {}
    for variant, variant_considered in _variants(document, answers, considered):
        for qid, actions in _decisive(document, variant, variant_considered, conditional).items():
            changed.setdefault(qid, set()).update(actions)
    for question, action in assumed:
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


def scope(document: dict, answers: dict) -> dict | None:
    """The first scope note that applies (a child outside the chapter's age range), or None."""
    return _scope(document, visible_answers(document, answers))


def _scope(document: dict, considered: dict) -> dict | None:
    for note in document.get("scope", []):
        if holds(note["when"], considered):
            return {"id": note["id"], "text": note["text"], "paragraphs": note["paragraphs"]}
    return None


def guidance(document: dict, answers: dict) -> list[dict]:
    return _guidance(document, visible_answers(document, answers))


def _guidance(document: dict, considered: dict) -> list[dict]:
    return [{"id": g["id"], "title": g["title"], "text": g["text"], "source": g["source"],
             "reference": g["reference"], "paragraphs": g["paragraphs"]}
            for g in document.get("guidance", []) if holds(g["when"], considered)]


def evaluate(document: dict, answers: dict, *, with_needs: bool = True,
             audience: str = "professional") -> dict:
    """`with_needs=False` leaves `needs` empty: the trials it runs cost more than the rest, and
    a caller storing a draft has no use for them. `audience`: whose checklist (for_audience)."""
    document = for_audience(document, audience)
    considered = visible_answers(document, answers)  # once: every part reads the same answers
    fired = _fired(document, considered)
    found = _collect(document, fired)
    assumed = _assumed(document, answers, considered, fired, found)
    for _, action in assumed:
        found[action["action"]] = action  # replaces a less urgent one, else joins at the end
    actions = _finish(document, list(found.values()))
    urgency = actions[0]["urgency"] if actions else None
    return {"urgency": urgency, "actions": actions,
            "needs": _needs(document, answers, considered, assumed) if with_needs else [],
            "scope": _scope(document, considered), "guidance": _guidance(document, considered)}
