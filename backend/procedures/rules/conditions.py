"""Conditions over answers: whether one holds, the questions it reads, and whether an answer
given points into it. pwa/js/rules/conditions.js is its twin.

A condition is `all`, `any`, `not`, or a leaf {"q": id, "op": ..., "value": ...}. Unanswered
is never read as "no": only `empty` holds on a question with no answer.
"""


def is_answered(value) -> bool:
    return value is not None and value != "" and value != []


def is_number(value) -> bool:
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
    if not (is_number(answer) and is_number(value)):
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


def leaves(cond: dict):
    """Every leaf of a condition, under `all`, `any` and `not` alike."""
    for key in ("all", "any"):
        for sub in cond.get(key, []):
            yield from leaves(sub)
    if "not" in cond:
        yield from leaves(cond["not"])
    if "q" in cond:
        yield cond


def evidence(cond: dict, answers: dict, negated: bool = False) -> bool:
    """Does an answer already given point into this condition (an eq/in/includes leaf that
    holds, not under a `not`)? Only such a rule is "in play": a blank form is not a gap."""
    if "all" in cond or "any" in cond:
        return any(evidence(c, answers, negated) for c in cond.get("all", cond.get("any")))
    if "not" in cond:
        return evidence(cond["not"], answers, not negated)
    return not negated and cond["op"] in ("eq", "in", "includes") and holds(cond, answers)
