"""`GET /api/openapi.json`: the OpenAPI document, generated from the app's routes and each
view's declaration (backend/api.py). Nothing about an endpoint is written here."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app
from marshmallow import Schema, fields

from .api import Csv, Declaration, declaration_of

bp = Blueprint("openapi", __name__)

# What every declaration implies without saying it: any request can be malformed (e.g. a NUL
# in the query string) or meet a server fault; a body can be too large, not JSON or invalid;
# a query can be invalid; the device key can be missing.
ALWAYS = {400, 500}
WITH_BODY = {400, 413, 415, 422}
WITH_QUERY = {422}
WITH_DEVICE_KEY = {401}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


class ErrorBodySchema(Schema):
    status = fields.Int(required=True)
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.Str(), values=fields.List(fields.Str()))
    reasons = fields.List(fields.Str(), metadata={"description": "Every failed check (GET /api/ready)"})
    request_id = fields.Str(metadata={"description": "As in the X-Request-ID header and the logs"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def _answer(answers) -> dict:
    if answers is Csv:
        return {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {"description": "OK", "content": {"application/json": {
        "schema": answers if answers else {"type": "object"}}}}


def _operation(declared: Declaration, parameters: list[dict]) -> dict:
    errors = set(declared.errors) | ALWAYS
    errors |= WITH_BODY if declared.body else set()
    errors |= WITH_QUERY if declared.query else set()
    errors |= WITH_DEVICE_KEY if declared.device_key else set()
    responses = {"200": _answer(declared.answers)}
    for status in sorted(errors):
        responses[str(status)] = {"description": "Error", "content": {"application/json": {"schema": ErrorSchema}}}
    operation = {"summary": declared.summary, "responses": responses, "parameters": parameters}
    if declared.device_key:
        operation["description"] = "Needs the device key (X-SafeVisit-Device)."
    if declared.query:
        operation["parameters"].append({"in": "query", "schema": declared.query})
    if declared.body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": declared.body}}}
    return operation


def _path(rule: str, declared: Declaration) -> tuple[str, list[dict]]:
    """Flask's /a/<int:b> as OpenAPI's /a/{b}, with b's parameter."""
    parameters = []
    for converter, name in PARAMETER.findall(rule):
        parameter = {"name": name, "in": "path", "required": True,
                     "schema": {"type": "integer" if converter == "int" else "string"}}
        parameters.append({**parameter, **declared.path.get(name, {})})
    return PARAMETER.sub(r"{\2}", rule), parameters


def undeclared(app: Flask) -> list[str]:
    """/api routes whose view declares nothing (the document itself aside)."""
    return [rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/") and rule.endpoint != "openapi.openapi_document"
            and declaration_of(app.view_functions[rule.endpoint]) is None]


def build(app: Flask) -> dict:
    spec = APISpec(title="SafeVisit API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Every error has the shape of ErrorSchema. State-changing "
                                        "requests need the X-CSRFToken header from /api/auth/session. "
                                        "Requests about concerns, answers, people and the audit trail also "
                                        "need X-SafeVisit-Device, the device_key of the login answer "
                                        "(else 401 device_locked)."})
    spec.components.schema("Error", schema=ErrorSchema)
    missing = undeclared(app)
    if missing:
        raise RuntimeError("API routes without a declaration (backend/api.py): " + ", ".join(missing))
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/") or rule.endpoint == "openapi.openapi_document":
            continue
        declared = declaration_of(app.view_functions[rule.endpoint])
        path, parameters = _path(rule.rule, declared)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(declared, [dict(p) for p in parameters])
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/api/openapi.json")
def openapi_document():
    app = current_app._get_current_object()
    if "openapi" not in app.extensions:  # built once per app: routes do not change after start
        app.extensions["openapi"] = build(app)
    return app.extensions["openapi"]
