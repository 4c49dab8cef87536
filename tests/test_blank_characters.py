"""What counts as space is one set, the same in the OpenAPI document as on the server.

The server trims with str.strip() and splits with str.split(); the document's patterns are
read by other engines (ECMA-262 for JSON Schema; Rust's regex in schemathesis' validator).
`\\s` means a different set in each, so a document saying `\\s` promised something the server
did not do: a lone "\\x1e" violated the office-hours pattern, yet the server trimmed it to blank
and cleared the hours. The patterns now spell the set out (backend/fields.py SPACE), and these
tests hold the document and the server to it, as properties over every character.
"""
import jsonschema_rs
import pytest

from backend.fields import NOT_SPACE_OR_NUL, SPACE, Reason

# Every character of the Basic Multilingual Plane that JSON can carry as text (no surrogates).
BMP = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
# Space to one engine and not to another: the cases a pattern written with \s got wrong.
DISPUTED = ["\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\ufeff", "\u180e", "\u200b"]
# Shorthands whose meaning depends on the engine (\d takes any script's digits in Python).
ENGINE_DEPENDENT = ("\\s", "\\S", "\\d", "\\D", "\\w", "\\W", "\\b", "\\B")


def matches(pattern: str, text: str) -> bool:
    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(text)


def test_the_space_class_is_what_python_trims_in_every_engine():
    python = {c for c in BMP if c.isspace()}
    document = {c for c in BMP if matches(f"^{SPACE}$", c)}
    assert document == python
    assert {c for c in BMP if matches(f"^{NOT_SPACE_OR_NUL}$", c)} == set(BMP) - python - {"\x00"}
    assert all(c.strip() == "" for c in python) and all(f"a{c}b".split() == ["a", "b"] for c in python)


def patterns(document) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            found.update(v for k, v in node.items() if k == "pattern" and isinstance(v, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(document)
    return found


def test_no_pattern_in_the_document_leans_on_an_engine_dependent_shorthand(client):
    found = patterns(client.get("/api/openapi.json").json)
    assert len(found) > 10  # the walk reached the schemas
    assert sorted(p[:80] for p in found if any(short in p for short in ENGINE_DEPENDENT)) == []


@pytest.mark.parametrize("char", DISPUTED + ["\t", "\u3000"], ids=lambda c: f"U+{ord(c):04X}")
def test_office_hours_padded_with_a_disputed_character_are_taken_as_the_document_says(app, device, char):
    """Cleared (200) where the document's pattern takes the character for space, refused (422)
    where it does not; never one answer from the document and another from the server."""
    from backend.accounts.office_hours import CLOCK_TYPED
    admin = device("admin")
    team_id = admin.get("/api/admin/teams").json["teams"][0]["id"]
    answer = admin.patch(f"/api/admin/teams/{team_id}", {"office_closes": char})
    assert (answer.status_code == 200) == matches(CLOCK_TYPED, char), (answer.status_code, answer.json)
    assert answer.status_code in (200, 422)


@pytest.mark.parametrize("char", DISPUTED, ids=lambda c: f"U+{ord(c):04X}")
def test_a_reason_is_three_characters_once_trimmed_by_both(app, device, char):
    from tests.test_legal_hold_state import submitted
    cid = submitted(device, "CR-BLANK")
    reason = f"ab{char}"
    answer = device("admin").post(f"/api/admin/concerns/{cid}/legal-hold", {"reason": reason})
    assert (answer.status_code == 200) == matches(Reason.PATTERN, reason) == (len(reason.strip()) >= 3), answer.json
