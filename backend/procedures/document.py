"""Loading a procedure document and refusing a broken one with the path of the error."""
import json
from functools import lru_cache
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "procedure_data" / "procedure.schema.json"


class DocumentError(ValueError):
    """A procedure document that must not be loaded; `path` says where it is wrong."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _json_path(parts) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def read_file(path: str | Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise DocumentError("$", f"cannot read {path}: {err.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise DocumentError("$", f"not JSON (line {err.lineno}, column {err.colno}): {err.msg}") from None
    validate(document)
    return document


def validate(document: dict) -> None:
    """Check the shape with the JSON Schema, then the cross-references it cannot express."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        # The deepest error is the useful one for a oneOf over conditions.
        first = errors[0]
        best = jsonschema.exceptions.best_match([first])
        raise DocumentError(_json_path(best.absolute_path), best.message)
    _check_references(document)


def _unique(items, path: str, key: str = "id") -> set:
    seen: set = set()
    for index, item in enumerate(items):
        if item[key] in seen:
            raise DocumentError(f"{path}[{index}].{key}", f"duplicate id {item[key]!r}")
        seen.add(item[key])
    return seen


def _check_citations(citations, paragraph_ids, path):
    for index, pid in enumerate(citations):
        if pid not in paragraph_ids:
            raise DocumentError(f"{path}[{index}]", f"cites unknown paragraph {pid!r}")


def _check_condition(cond, known: dict, path: str):
    """Conditions may only name questions already asked (earlier in the checklist)."""
    for key in ("all", "any"):
        if key in cond:
            for index, sub in enumerate(cond[key]):
                _check_condition(sub, known, f"{path}.{key}[{index}]")
            return
    if "not" in cond:
        _check_condition(cond["not"], known, f"{path}.not")
        return
    question = known.get(cond["q"])
    if question is None:
        raise DocumentError(f"{path}.q", f"names unknown or later question {cond['q']!r}")
    options = {o["value"] for o in question.get("options", [])}
    values = cond.get("value")
    if options and cond["op"] in ("eq", "in", "includes"):
        for value in values if isinstance(values, list) else [values]:
            if value not in options:
                raise DocumentError(f"{path}.value", f"{value!r} is not an option of {cond['q']!r}")


def _check_references(doc: dict) -> None:
    paragraph_ids = _unique(doc["paragraphs"], "$.paragraphs")
    action_ids = _unique(doc["actions"], "$.actions")
    _unique(doc["rules"], "$.rules")
    _unique(doc["checklist"]["sections"], "$.checklist.sections")
    for index, entry in enumerate(doc["glossary"]):
        _check_citations(entry["paragraphs"], paragraph_ids, f"$.glossary[{index}].paragraphs")

    asked: dict = {}
    for s_index, section in enumerate(doc["checklist"]["sections"]):
        s_path = f"$.checklist.sections[{s_index}]"
        _check_citations(section["paragraphs"], paragraph_ids, f"{s_path}.paragraphs")
        if "when" in section:
            _check_condition(section["when"], asked, f"{s_path}.when")
        for q_index, question in enumerate(section["questions"]):
            q_path = f"{s_path}.questions[{q_index}]"
            if question["id"] in asked:
                raise DocumentError(f"{q_path}.id", f"duplicate question id {question['id']!r}")
            _check_citations(question["paragraphs"], paragraph_ids, f"{q_path}.paragraphs")
            if "when" in question:
                _check_condition(question["when"], asked, f"{q_path}.when")
            asked[question["id"]] = question

    for s_index, section in enumerate(doc["checklist"]["sections"]):
        for q_index, question in enumerate(section["questions"]):
            if "prompt_when" in question:  # may read any question: it only decides when to ask
                _check_condition(question["prompt_when"], asked,
                                 f"$.checklist.sections[{s_index}].questions[{q_index}].prompt_when")
    for index, action in enumerate(doc["actions"]):
        for other in action.get("superseded_by", []):
            if other not in action_ids or other == action["id"]:
                raise DocumentError(f"$.actions[{index}].superseded_by", f"unknown or own action {other!r}")

    for index, rule in enumerate(doc["rules"]):
        r_path = f"$.rules[{index}]"
        _check_citations(rule["paragraphs"], paragraph_ids, f"{r_path}.paragraphs")
        _check_condition(rule["when"], asked, f"{r_path}.when")
        for qid in rule.get("needs_known", []):
            if qid not in asked:
                raise DocumentError(f"{r_path}.needs_known", f"names unknown question {qid!r}")
        if rule.get("needs_known") and "needs_known_reason" not in rule:
            raise DocumentError(r_path, "'needs_known' needs its 'needs_known_reason' from the chapter")
        for t_index, then in enumerate(rule["then"]):
            if then["action"] not in action_ids:
                raise DocumentError(f"{r_path}.then[{t_index}].action",
                                    f"unknown action {then['action']!r}")

    guidance_ids = _unique(doc.get("guidance", []), "$.guidance")
    _unique(doc.get("scope", []), "$.scope")
    for key in ("guidance", "scope"):
        for index, item in enumerate(doc.get(key, [])):
            _check_citations(item["paragraphs"], paragraph_ids, f"$.{key}[{index}].paragraphs")
            _check_condition(item["when"], asked, f"$.{key}[{index}].when")
    for s_index, section in enumerate(doc["checklist"]["sections"]):
        for g_index, gid in enumerate(section.get("guidance", [])):
            if gid not in guidance_ids:
                raise DocumentError(f"$.checklist.sections[{s_index}].guidance[{g_index}]",
                                    f"unknown guidance {gid!r}")
    if doc["format"] >= 2:
        _check_sources(doc)

    cited = set()
    for section in doc["checklist"]["sections"]:
        for question in section["questions"]:
            cited.update(question["paragraphs"])
    for rule in doc["rules"]:
        cited.update(rule["paragraphs"])
    for index, paragraph in enumerate(doc["paragraphs"]):
        if paragraph["id"] not in cited:
            raise DocumentError(f"$.paragraphs[{index}]",
                                f"paragraph {paragraph['id']!r} is used by no question or rule")


def _check_sources(doc: dict) -> None:
    """Format 2: a lead must be able to tell the chapter from practice for every recommendation."""
    for key in ("actions", "rules", "guidance", "scope"):
        for index, item in enumerate(doc.get(key, [])):
            for field in ("source", "reference"):
                if field not in item:
                    raise DocumentError(f"$.{key}[{index}]", f"{field!r} is required in format 2")


def canonical_bytes(document: dict) -> bytes:
    """The one serialisation that is stored, served and hashed for the ETag."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
