"""Checking answers against a checklist template: ids, types, bounds and options."""
import datetime as dt

from .rules import is_answered, visible_questions


def _check_one(question: dict, value) -> str | None:
    kind = question["type"]
    if value is None:
        return None  # cleared answer
    if kind == "text":
        if not isinstance(value, str):
            return "Must be text."
        if len(value) > question["max_length"]:
            return f"Must be at most {question['max_length']} characters."
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "Must be true or false."
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return "Must be a whole number."
        if "min" in question and value < question["min"]:
            return f"Must be at least {question['min']}."
        if "max" in question and value > question["max"]:
            return f"Must be at most {question['max']}."
    elif kind == "date":
        if not isinstance(value, str):
            return "Must be a date (YYYY-MM-DD)."
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return "Must be a date (YYYY-MM-DD)."
        if len(value) != 10 or not (1900 <= day.year <= 2200):
            return "Must be a date (YYYY-MM-DD) between 1900 and 2200."
    elif kind == "choice":
        options = [o["value"] for o in question["options"]]
        if value not in options or not isinstance(value, str):
            return f"Must be one of: {', '.join(options)}."
    elif kind == "multi_choice":
        options = [o["value"] for o in question["options"]]
        if not isinstance(value, list) or any(not isinstance(v, str) or v not in options for v in value):
            return f"Must be a list of: {', '.join(options)}."
        if len(set(value)) != len(value):
            return "Must not repeat an option."
        alone = [o for o in question["options"] if o.get("exclusive") and o["value"] in value]
        if alone and len(value) > 1:
            return f"'{alone[0]['label']}' cannot be chosen with other options."
    return None


def answer_errors(document: dict, answers, *, complete: bool = False) -> dict:
    """Field errors keyed "answers.<question id>"; empty when the answers are acceptable.

    `complete` also asks for every required, visible question to be answered
    (used when a concern is submitted, not while it is a draft).
    """
    if not isinstance(answers, dict):
        return {"answers": ["Must be an object of question id to answer."]}
    questions = {q["id"]: q for s in document["checklist"]["sections"] for q in s["questions"]}
    errors: dict[str, list[str]] = {}
    for qid, value in answers.items():
        question = questions.get(qid)
        if question is None:
            errors[f"answers.{qid}"] = ["Unknown question for this procedure version."]
            continue
        problem = _check_one(question, value)
        if problem:
            errors[f"answers.{qid}"] = [problem]
    if complete and not errors:
        for question in visible_questions(document, answers):
            if question.get("required") and not is_answered(answers.get(question["id"])):
                errors[f"answers.{question['id']}"] = ["An answer is required before submitting."]
    return errors
