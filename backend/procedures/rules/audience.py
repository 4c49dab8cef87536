"""Who a checklist is for: the document as one audience sees it. pwa/js/rules/audience.js is
its twin: server and phone must agree on what a carer is asked and told."""

# The author's role decides it (backend/accounts/capabilities.py audience_of).
AUDIENCES = ("professional", "carer")
_AUDIENCE_VIEWS: dict[tuple[int, str], tuple[dict, dict]] = {}


def _for(item: dict, audience: str) -> bool:
    return audience in item.get("audience", AUDIENCES)  # unmarked: everyone


def for_audience(document: dict, audience: str = "professional") -> dict:
    """The document as `audience` sees it: the sections, questions and actions marked for others
    left out, and with them every rule left with no action. A foster carer is not asked the
    professionals' questions nor told to convene their meetings; professionals never see the
    carer's. Kept per document object, like reads.reads: documents are loaded once, never
    changed in place."""
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
