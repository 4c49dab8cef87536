"""Which questions are shown for some answers, and the answers to those alone: an answer to a
question that is not shown (its section or question `when` is false) never drives a
recommendation. pwa/js/rules/visibility.js is its twin."""
from .conditions import holds


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
