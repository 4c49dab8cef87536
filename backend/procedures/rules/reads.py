"""What a document's conditions read, worked out once per document: which questions each rule
reads, which questions show or hide others, and the actions by id. The trials of the unknowns
principle and of the decisive questions ask this for every answer they try.
pwa/js/rules/reads.js is its twin."""
from .conditions import leaves

_READS: dict[int, tuple[dict, dict]] = {}


def reads(document: dict) -> dict:
    """Which questions each rule reads, and which questions any `when` that shows a section or
    question reads. Kept per document object: documents are loaded once, never changed in place."""
    cached = _READS.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    shown_by = []
    for section in document["checklist"]["sections"]:
        shown_by += [section["when"]] if "when" in section else []
        shown_by += [q["when"] for q in section["questions"] if "when" in q]
    by_rule = {r["id"]: frozenset(leaf["q"] for leaf in leaves(r["when"])) for r in document["rules"]}
    visibility = frozenset(leaf["q"] for cond in shown_by for leaf in leaves(cond))
    known = {"rules": by_rule, "visibility": visibility, "read": visibility.union(*by_rule.values()),
             "actions": {a["id"]: a for a in document["actions"]}}
    _READS[id(document)] = (document, known)
    return known
