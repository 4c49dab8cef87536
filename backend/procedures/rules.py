"""The decision-rule evaluator. pwa/js/rules.js is its twin: keep them side by side.

Both take a procedure document and a mapping of answers and return
{"urgency": <highest or None>, "actions": [...]} where each action is
{"action", "title", "urgency", "paragraphs", "reasons": [{"rule", "why"}]},
most urgent first, ties in the order the rules first named them.
Answers to questions that are not shown (their section or question `when`
is false) are ignored, so hidden answers never drive a recommendation.
"""

URGENCY_RANK = {"routine": 0, "soon": 1, "urgent": 2, "immediate": 3}


def is_answered(value) -> bool:
    return value is not None and value != "" and value != []


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


def evaluate(document: dict, answers: dict) -> dict:
    considered = visible_answers(document, answers)
    titles = {a["id"]: a["title"] for a in document["actions"]}
    found: dict[str, dict] = {}
    for rule in document["rules"]:
        if not holds(rule["when"], considered):
            continue
        for then in rule["then"]:
            action = found.setdefault(then["action"], {
                "action": then["action"], "title": titles[then["action"]],
                "urgency": then["urgency"], "paragraphs": [], "reasons": [],
            })
            if URGENCY_RANK[then["urgency"]] > URGENCY_RANK[action["urgency"]]:
                action["urgency"] = then["urgency"]
            for pid in rule["paragraphs"]:
                if pid not in action["paragraphs"]:
                    action["paragraphs"].append(pid)
            action["reasons"].append({"rule": rule["id"], "why": rule["why"]})
    order = list(found)
    actions = sorted(found.values(),
                     key=lambda a: (-URGENCY_RANK[a["urgency"]], order.index(a["action"])))
    urgency = actions[0]["urgency"] if actions else None
    return {"urgency": urgency, "actions": actions}
