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
would bring an action, not answering brings it too (unknowns.py).

The parts, each beside its twin of the same name in pwa/js/rules/ (this module's is pwa/js/rules.js):
- audience.py: the document as a professional or a foster carer sees it;
- conditions.py: whether a condition holds, its leaves, whether an answer points into it;
- visibility.py: the questions shown for some answers, and the answers that count;
- reads.py: which questions the rules and the checklist's conditions read (once per document);
- recommend.py: the rules that fire and the actions they recommend, most urgent first;
- unknowns.py: the unknowns principle, and the answers worth trying for a question;
- decisive.py: the decisive questions (`needs`), each with the actions it decides.
This module is the one the rest of the server imports: evaluate, scope and guidance.
"""
from .audience import AUDIENCES, for_audience
from .conditions import holds, is_answered
from .decisive import needs, needs_of
from .recommend import URGENCY_RANK, collect, finish, fired
from .unknowns import assumed, candidates, is_known, unknown_candidates
from .visibility import visible_answers, visible_questions

__all__ = ["AUDIENCES", "URGENCY_RANK", "candidates", "evaluate", "for_audience", "guidance",
           "holds", "is_answered", "is_known", "needs", "scope", "unknown_candidates",
           "visible_answers", "visible_questions"]


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
    fired_rules = fired(document, considered)
    found = collect(document, fired_rules)
    assumed_pairs = assumed(document, answers, considered, fired_rules, found)
    for _, action in assumed_pairs:
        found[action["action"]] = action  # replaces a less urgent one, else joins at the end
    actions = finish(document, list(found.values()))
    urgency = actions[0]["urgency"] if actions else None
    return {"urgency": urgency, "actions": actions,
            "needs": needs_of(document, answers, considered, assumed_pairs) if with_needs else [],
            "scope": _scope(document, considered), "guidance": _guidance(document, considered)}
