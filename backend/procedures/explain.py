"""The rule set in words, for a safeguarding lead to sign off: "How SafeVisit decides".

Rendered from the procedure data (never written by hand), so what is read is what runs.
pwa/js/views/decides.js renders the same words in the reader, offline; keep the phrasing of
`condition_words` in step with its `conditionWords`.
"""
from ..urgency import ORDER

URGENCY = {level: level.value.capitalize() for level in ORDER}
SOURCE = {"chapter": "Chapter", "practice": "Practice"}
ABOUT = {"child": "the young person visited",
         "adult": "the adult of concern, and the children that adult can reach",
         "other_child": "another child: the child in an image",
         "other_children": "the other children in the adult's household"}
UNKNOWNS = ("One principle for what is not known: if every possible answer to an unanswered question "
            "would bring an action, not answering brings it too, shown with the condition it rests on "
            "and with that question first in what is still to answer. A young person whose age is not "
            "known is treated as a child.")
# Whose checklist an action is on, when not everyone's (the `audience` mark).
AUDIENCE = {("carer",): "foster carers only", ("professional",): "professionals only"}
COMPARISON = {"lt": "is under {v}", "lte": "is {v} or under", "gt": "is over {v}", "gte": "is {v} or over"}


def _questions(document: dict) -> dict:
    return {q["id"]: q for s in document["checklist"]["sections"] for q in s["questions"]}


def _value_words(question: dict, value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (int, float)):
        return str(value)
    labels = {o["value"]: o["label"] for o in question.get("options", [])}
    return f"“{labels.get(value, value)}”"


def leaf_words(cond: dict, questions: dict, negated: bool = False) -> str:
    question = questions[cond["q"]]
    subject = f"“{question['label']}”"
    op, value = cond["op"], cond.get("value")
    if op in ("answered", "empty"):
        answered = (op == "answered") != negated
        return f"{subject} is {'answered' if answered else 'not answered'}"
    if op == "eq":
        verb = "is not" if negated else "is"
        tail = " (or not answered)" if negated else ""
        return f"{subject} {verb} {_value_words(question, value)}{tail}"
    if op == "in":
        choices = ", ".join(_value_words(question, v) for v in value)
        return f"{subject} is {'none' if negated else 'one'} of {choices}"
    if op == "includes":
        return f"{subject} {'does not include' if negated else 'includes'} {_value_words(question, value)}"
    words = f"{subject} {COMPARISON[op].format(v=value)}"
    return f"not: {words}" if negated else words


def condition_words(cond: dict, questions: dict, depth: int = 0) -> list[str]:
    """Markdown bullet lines for a condition, nested two spaces a level."""
    pad = "  " * depth
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        head = "All of these:" if key == "all" else "Any of these:"
        lines = [f"{pad}- {head}"]
        for sub in cond[key]:
            lines += condition_words(sub, questions, depth + 1)
        return lines
    if "not" in cond:
        inner = cond["not"]
        if "q" in inner:
            return [f"{pad}- {leaf_words(inner, questions, negated=True)}"]
        return [f"{pad}- None of the following:"] + condition_words(inner, questions, depth + 1)
    return [f"{pad}- {leaf_words(cond, questions)}"]


def _paragraphs(ids: list, document: dict) -> list[str]:
    by_id = {p["id"]: p for p in document["paragraphs"]}
    return [f"  - ¶{by_id[p]['number']} ({p}): {by_id[p]['summary']}" for p in ids]


def review_words(document: dict) -> str:
    review = document.get("review") or {}
    if not review.get("reviewed_by"):
        return "Not yet reviewed by a safeguarding lead."
    role = f", {review['role']}" if review.get("role") else ""
    date = f", on {review['date']}" if review.get("date") else ""
    return f"Signed off by {review['reviewed_by']}{role}{date}."


def explain_markdown(document: dict) -> str:
    questions = _questions(document)
    actions = {a["id"]: a for a in document["actions"]}
    revision = (f"chapter v{document['chapter_version']}, SafeVisit revision {document['revision']}"
                if document.get("revision") else f"version {document['version']}")
    out = [f"# How SafeVisit decides: {document['title']}", "",
           f"{revision} (version id `{document['version']}`, chapter updated {document['updated']}).", "",
           f"**Review:** {review_words(document)}", "",
           "SafeVisit recommends; the professional decides and records why. A question that is not "
           "answered is never read as \"no\": when its answer would change a recommendation already "
           "in play, SafeVisit asks for it at the top of the recommendations.", ""]
    if any("unknown" in q for q in questions.values()):
        out += [UNKNOWNS, ""]
    if document.get("changes"):
        out += ["## What changed in this revision", ""] + [f"- {c}" for c in document["changes"]] + [""]
    if document.get("scope"):
        out += ["## Age range", ""]
        for note in document["scope"]:
            out += [f"### {note['id']} ({SOURCE[note['source']]})", "", "When:"]
            out += condition_words(note["when"], questions)
            out += ["", f"Says: {note['text']}", "", "Rests on:"] + _paragraphs(note["paragraphs"], document)
            out += ["", f"Reference: {note['reference']}", ""]
    out += ["## Rules", ""]
    for number, rule in enumerate(document["rules"], 1):
        source = SOURCE[rule.get("source", "chapter")]
        out += [f"### {number}. {rule['id']} ({source})", ""]
        if rule.get("about"):
            out += [f"About: {ABOUT[rule['about']]}."]
        if rule.get("images"):
            out += [f"Images: {rule['images']}."]
        if rule.get("age_reason"):
            out += [f"Reads the young person's age because: {rule['age_reason']}"]
        if rule.get("needs_known"):
            named = ", ".join(f"“{questions[q]['label']}”" for q in rule["needs_known"])
            out += [f"Only when answered: {named}. {rule['needs_known_reason']}"]
        out += ["", "Recommends, when:"] if rule.get("about") else ["Recommends, when:"]
        out += condition_words(rule["when"], questions)
        out += ["", "Actions:"]
        for then in rule["then"]:
            action = actions[then["action"]]
            label = SOURCE[action.get("source", "chapter")]
            only = AUDIENCE.get(tuple(action.get("audience", ())))
            whose = f"; {only}" if only else ""
            out.append(f"- **{URGENCY[then['urgency']]}:** {action['title']} ({label.lower()}{whose}; `{action['id']}`)")
        out += ["", f"Why: {rule['why']}", "", "Rests on:"] + _paragraphs(rule["paragraphs"], document)
        if rule.get("reference"):
            out += ["", f"Reference: {rule['reference']}"]
        out.append("")
    if document.get("guidance"):
        out += ["## Guidance", ""]
        for item in document["guidance"]:
            out += [f"### {item['title']} ({SOURCE[item['source']]})", "", "Shown when:"]
            out += condition_words(item["when"], questions)
            out += ["", item["text"], "", "Rests on:"] + _paragraphs(item["paragraphs"], document)
            out += ["", f"Reference: {item['reference']}", ""]
    return "\n".join(out).rstrip() + "\n"
