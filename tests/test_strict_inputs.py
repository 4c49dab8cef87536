"""What the server takes is what the OpenAPI document says, and no more: booleans are JSON
booleans, query-string flags are "true" or "false", patterns match the whole value, times and
days have one written form."""
import re
from pathlib import Path

import pytest
from marshmallow import ValidationError

from backend.concerns.schemas import DecisionSchema
from backend.fields import TEXT_PATTERN
from backend.sms.schemas import MobileSetSchema, MobileVerifySchema
from tests.push_support import push_app, signed_in  # noqa: F401
from tests.rota_support import ids, put_rota, shift, team_id

BACKEND = Path(__file__).resolve().parent.parent / "backend"


@pytest.mark.parametrize("value", [0, 1, "0", "1", "true", "false", "yes", None, [], {}])
def test_a_boolean_in_a_body_is_true_or_false_and_nothing_else(device, value):
    manager = device("manager")
    response = manager.post("/api/push/duty", {"on_duty": value})
    assert response.status_code == 422, (value, response.json)
    assert list(response.json["error"]["fields"]) == ["on_duty"]
    assert manager.get("/api/push/duty").json["on_duty"] is False  # nothing changed


def test_true_and_false_still_switch_duty(device):
    manager = device("manager")
    assert manager.post("/api/push/duty", {"on_duty": True}).json == {"on_duty": True}
    assert manager.post("/api/push/duty", {"on_duty": False}).json == {"on_duty": False}


def test_every_boolean_the_api_reads_is_the_one_strict_field():
    with pytest.raises(ValidationError):
        DecisionSchema().load({"decision": "Refer to the police", "close": 1})
    assert DecisionSchema().load({"decision": "Refer", "close": True})["close"] is True
    # One class for booleans everywhere: marshmallow's own would take 0, "0", "true", "yes".
    loose = [f"{path.relative_to(BACKEND)}:{n}" for path in BACKEND.rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"fields\.Bool(ean)?\(", line)]
    assert loose == []


@pytest.mark.parametrize("flag", ["1", "0", "yes", "True", "on", ""])
def test_a_query_flag_is_true_or_false_as_documented(device, flag):
    manager = device("manager")
    response = manager.get(f"/api/queue?overdue={flag}")
    assert response.status_code == 422, flag
    assert list(response.json["error"]["fields"]) == ["overdue"]
    assert device("admin").get(f"/api/admin/people?active={flag}").status_code == 422


def test_true_and_false_flags_filter(device):
    assert device("manager").get("/api/queue?overdue=true&unacknowledged=false").status_code == 200
    people = device("admin").get("/api/admin/people?active=true").json["people"]
    assert people and all(p["active"] for p in people)


def test_a_pattern_matches_the_whole_value():
    # Python's $ matches before a final newline: "123456\n" used to pass ^\d{6}$.
    with pytest.raises(ValidationError):
        MobileVerifySchema().load({"code": "123456\n"})
    with pytest.raises(ValidationError):
        MobileVerifySchema().load({"code": "١٢٣٤٥٦"})  # \d took any script's digits
    assert MobileVerifySchema().load({"code": "123456"}) == {"code": "123456"}
    assert MobileSetSchema().load({"number": "+44 (7700) 900-123"})
    with pytest.raises(ValidationError):
        MobileSetSchema().load({"number": "0161 496 0000"})  # not a mobile


@pytest.mark.parametrize("start", ["2027-W27-4T09:00", "2027-07-01 09:00", "20270701T0900",
                                   "2027-07-01", "2027-02-30T09:00", "2027-07-01T09:00\n"])
def test_a_shift_time_has_the_one_documented_form(push_app, signed_in, start):
    manager, = ids(push_app, "manager")
    response = put_rota(signed_in("manager"), team_id(push_app), shift(start, "2027-07-01T17:00", manager))
    assert response.status_code == 422, start
    assert "shifts.0.start" in response.json["error"]["fields"]


def test_an_audit_day_is_yyyy_mm_dd(device):
    admin = device("admin")
    assert admin.get("/api/admin/audit?from=2027-01-01").status_code == 200
    for day in ("20270101", "2027-W01-1", "1999-12-31"):
        response = admin.get(f"/api/admin/audit?from={day}")
        assert response.status_code == 422, day
        assert list(response.json["error"]["fields"]) == ["from"]


def _inputs(document):
    """Every (where, schema) a request can carry: query parameters and body properties."""
    schemas = document["components"]["schemas"]

    def walk(schema, where, seen):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                yield from walk(schemas[name], where, seen | {name})
            return
        yield where, schema
        for key, value in schema.get("properties", {}).items():
            if not value.get("readOnly"):
                yield from walk(value, f"{where}.{key}", seen)
        for key in ("items", "additionalProperties", "propertyNames"):
            if isinstance(schema.get(key), dict):
                yield from walk(schema[key], f"{where}[{key}]", seen)
        for branch in schema.get("anyOf", []):
            yield from walk(branch, f"{where}|", seen)

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation["parameters"]:
                yield from walk(parameter["schema"], f"{method} {path} {parameter['name']}", set())
            if "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                yield from walk(body, f"{method} {path} body", set())


def test_the_document_states_every_input_string_and_id(app):
    document = app.test_client().get("/api/openapi.json").json
    inputs = list(_inputs(document))
    assert len(inputs) > 100
    unstated = [where for where, schema in inputs
                if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema]
    assert unstated == []
    text = [where for where, schema in inputs if schema.get("pattern") == TEXT_PATTERN]
    assert "post /api/auth/login body.username" in text
    assert "lone UTF-16 surrogate" in document["info"]["description"]
    ids_in_paths = [(where, schema) for where, schema in inputs
                    if where.endswith("_id") and " body" not in where and schema.get("type") == "integer"]
    assert ids_in_paths and all(s["minimum"] == 1 and s["maximum"] == 2**31 - 1 for _, s in ids_in_paths)
    flags = {where.rsplit(" ", 1)[-1]: schema for where, schema in inputs
             if where.startswith(("get /api/queue ", "get /api/admin/people "))}
    for name in ("overdue", "unacknowledged", "active"):
        assert flags[name] == {"type": "string", "enum": ["true", "false"]}, name
    bodies = {where: schema for where, schema in inputs}
    assert bodies["post /api/push/duty body.on_duty"]["type"] == "boolean"
    assert bodies["patch /api/admin/people/{person_id} body"]["minProperties"] == 1
    answers = bodies["post /api/procedures/{slug}/evaluate body.answers"]
    assert answers["maxProperties"] == 200 and "maxLength" not in answers
