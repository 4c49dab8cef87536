"""Which rules fire and the actions they recommend: each action once, at the highest urgency
any rule gives it, with every rule's reason and paragraphs, most urgent first.
pwa/js/rules/recommend.js is its twin."""
from ...urgency import RANK as URGENCY_RANK
from .conditions import holds
from .reads import reads


def fired(document: dict, considered: dict) -> list[dict]:
    return [rule for rule in document["rules"] if holds(rule["when"], considered)]


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


def fired_after(document: dict, trial: dict, considered: dict, fired_before: set) -> list[dict]:
    """fired(document, trial), knowing which rules fired on `considered`: only a rule that
    reads an answer the trial changed can change (the server works out every submission's
    gaps, trying each decisive answer)."""
    changed = _changed(considered, trial)
    by_rule = reads(document)["rules"]
    return [rule for rule in document["rules"]
            if (holds(rule["when"], trial) if by_rule[rule["id"]] & changed else rule["id"] in fired_before)]


def collect(document: dict, fired_rules: list[dict]) -> dict[str, dict]:
    """The actions these rules name, by id, in the order the rules first named them."""
    by_id = reads(document)["actions"]
    found: dict[str, dict] = {}
    for rule in fired_rules:
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


def finish(document: dict, found: list[dict]) -> list[dict]:
    """Drops an action another recommended action stands in for (`superseded_by`: asking
    about grooming once the Strategy Meeting is recommended), then most urgent first."""
    by_id = reads(document)["actions"]
    present = {a["action"] for a in found}
    kept = [a for a in found if not present.intersection(by_id[a["action"]].get("superseded_by", ()))]
    order = [a["action"] for a in kept]
    return sorted(kept, key=lambda a: (-URGENCY_RANK[a["urgency"]], order.index(a["action"])))


def actions_of(document: dict, fired_rules: list[dict]) -> list[dict]:
    return finish(document, list(collect(document, fired_rules).values()))
