"""`GET /api/openapi.json`: the OpenAPI document, generated from the marshmallow schemas."""
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint
from marshmallow import Schema, fields

from .accounts.schemas import (CodeSchema, EnrolmentSchema, LoginSchema, LogoutSchema, OkSchema, RedeemedSchema,
                               RedeemSetupCodeSchema, SessionSchema)
from .admin.schemas import (AdminAuditPageSchema, AuditArgsSchema, PersonCreateSchema, PersonListArgsSchema,
                            PersonListSchema, AdminPersonSchema, PersonUpdateSchema, SetupCodeSchema,
                            TeamCreateSchema, AdminTeamListSchema, TeamPeopleSchema, AdminTeamSchema, TeamUpdateSchema)
from .audit.views import AuditPageSchema, AuditQueryArgsSchema
from .concerns.schemas import (AcknowledgeSchema, ActionUpdateSchema, AssigneesSchema,
                               AssignSchema, ChronologySchema, CloseSchema, ConcernListArgsSchema,
                               ConcernListSchema, ConcernSchema, DecisionSchema, HistorySchema,
                               PrintRecordSchema, PrintRequestSchema, QueueArgsSchema, QueueSchema,
                               SyncRequestSchema, SyncResponseSchema)
from .procedures.schemas import EvaluateRequestSchema, EvaluationSchema, ProcedureListSchema

bp = Blueprint("openapi", __name__)


class ErrorBodySchema(Schema):
    status = fields.Int(required=True)
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.Str(), values=fields.List(fields.Str()))
    reasons = fields.List(fields.Str(), metadata={"description": "Every failed check (GET /api/ready)"})
    request_id = fields.Str(metadata={"description": "As in the X-Request-ID header and the logs"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class HealthSchema(Schema):
    status = fields.Str(required=True)


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
        "example": "child-abuse-and-the-internet"}
VERSION = {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}}
CONCERN_ID = {"name": "concern_id", "in": "path", "required": True, "schema": {"type": "string"}}
ACTION = {"name": "action", "in": "path", "required": True, "schema": {"type": "string"},
          "description": "The recommended action's id, as in tracked_actions."}
CASE_REFERENCE = {"name": "case_reference", "in": "path", "required": True, "schema": {"type": "string"}}
CHANGE = [400, 401, 403, 404, 409, 413, 415, 422]
class Csv:
    """Marks an operation whose answer is a CSV file, not JSON."""


PERSON_ID = {"name": "person_id", "in": "path", "required": True, "schema": {"type": "integer"}}
TEAM_ID = {"name": "team_id", "in": "path", "required": True, "schema": {"type": "integer"}}
SIGN_IN_STEP = [400, 401, 403, 413, 415, 422, 429]

# (method, path, summary, request body schema, query args schema, 2xx schema, path params, error statuses)
OPERATIONS = [
    ("get", "/api/health", "Liveness and database check", None, None, HealthSchema, [], [503]),
    ("get", "/api/procedures", "Procedures and their versions", None, None, ProcedureListSchema, [], []),
    ("get", "/api/procedures/{slug}", "The current version's document (ETag, gzip)", None, None, None, [SLUG], [404]),
    ("get", "/api/procedures/{slug}/versions/{version}", "One version's document", None, None, None, [SLUG, VERSION], [404]),
    ("post", "/api/procedures/{slug}/evaluate", "Recommended actions for answers", EvaluateRequestSchema, None, EvaluationSchema, [SLUG], [400, 404, 413, 415, 422]),
    ("get", "/api/auth/session", "The signed-in user and a CSRF token", None, None, SessionSchema, [], []),
    ("post", "/api/auth/login", "Sign in", LoginSchema, None, SessionSchema, [], [400, 401, 403, 413, 415, 422, 429]),
    ("post", "/api/auth/logout", "Sign out everywhere (and at the organisation, when signed in there)", None, None, LogoutSchema, [], [401, 403]),
    ("post", "/api/sync", "Send a batch of concern changes", SyncRequestSchema, None, SyncResponseSchema, [], [400, 401, 403, 413, 415, 422]),
    ("get", "/api/concerns", "Concerns changed since a cursor (to a carer or worker, as AuthorConcernSchema)", None, ConcernListArgsSchema, ConcernListSchema, [], [401, 422]),
    ("get", "/api/concerns/{concern_id}", "One concern (to its author, as AuthorConcernSchema: what they sent and its progress)", None, None, ConcernSchema, [CONCERN_ID], [401, 403, 404]),
    ("get", "/api/concerns/{concern_id}/history", "Every revision of a concern (to its author: their own, and progress)", None, None, HistorySchema, [CONCERN_ID], [401, 403, 404]),
    ("post", "/api/concerns/{concern_id}/acknowledge", "Acknowledge (duty manager)", AcknowledgeSchema, None, ConcernSchema, [CONCERN_ID], [400, 401, 403, 404, 409, 413, 415, 422]),
    ("post", "/api/concerns/{concern_id}/decision", "Record the decision note (duty manager)", DecisionSchema, None, ConcernSchema, [CONCERN_ID], CHANGE),
    ("get", "/api/concerns/{concern_id}/assignees", "Who may take the concern on (duty manager)", None, None, AssigneesSchema, [CONCERN_ID], [401, 403, 404]),
    ("post", "/api/concerns/{concern_id}/assign", "Assign or hand over (duty manager)", AssignSchema, None, ConcernSchema, [CONCERN_ID], CHANGE),
    ("patch", "/api/concerns/{concern_id}/actions/{action}", "A recommended action done or not needed (duty manager)", ActionUpdateSchema, None, ConcernSchema, [CONCERN_ID, ACTION], CHANGE),
    ("post", "/api/concerns/{concern_id}/close", "Close with an outcome (duty manager)", CloseSchema, None, ConcernSchema, [CONCERN_ID], CHANGE),
    ("post", "/api/concerns/{concern_id}/pack-prints", "Record a print of the meeting pack, before it prints", PrintRequestSchema, None, PrintRecordSchema, [CONCERN_ID], [400, 401, 403, 404, 413, 415, 422]),
    ("get", "/api/queue", "Open concerns, most urgent and newest first (managers, admins)", None, QueueArgsSchema, QueueSchema, [], [401, 403, 422]),
    ("get", "/api/cases/{case_reference}/chronology", "Everything that happened about one case reference", None, None, ChronologySchema, [CASE_REFERENCE], [401, 403, 404]),
    ("get", "/api/audit", "The audit trail (admin)", None, AuditQueryArgsSchema, AuditPageSchema, [], [401, 403, 422]),
    # Setup codes and the second factor.
    ("post", "/api/auth/setup-code", "Set a new password with a one-time setup code", RedeemSetupCodeSchema, None, RedeemedSchema, [], SIGN_IN_STEP),
    ("post", "/api/auth/two-step/verify", "Finish signing in with an authenticator or recovery code", CodeSchema, None, SessionSchema, [], SIGN_IN_STEP),
    ("post", "/api/auth/two-step/enrolment", "Start setting up an authenticator (a new TOTP secret)", None, None, EnrolmentSchema, [], [401, 403, 409]),
    ("post", "/api/auth/two-step/enrolment/confirm", "Confirm the authenticator with its first code; recovery codes", CodeSchema, None, SessionSchema, [], SIGN_IN_STEP),
    # The admin console: admins only, with the device key.
    ("get", "/api/admin/people", "People (admin)", None, PersonListArgsSchema, PersonListSchema, [], [401, 403, 422]),
    ("post", "/api/admin/people", "Create a local account; its setup code, shown once (admin)", PersonCreateSchema, None, SetupCodeSchema, [], CHANGE),
    ("get", "/api/admin/people/{person_id}", "One person (admin)", None, None, AdminPersonSchema, [PERSON_ID], [401, 403, 404]),
    ("patch", "/api/admin/people/{person_id}", "Change name, role or team (admin)", PersonUpdateSchema, None, AdminPersonSchema, [PERSON_ID], CHANGE),
    ("post", "/api/admin/people/{person_id}/deactivate", "Deactivate: sessions end, device keys go, the phone wipes (admin)", None, None, AdminPersonSchema, [PERSON_ID], CHANGE),
    ("post", "/api/admin/people/{person_id}/reactivate", "Reactivate: they can sign in again; what the deactivation ended stays ended (admin)", None, None, AdminPersonSchema, [PERSON_ID], CHANGE),
    ("post", "/api/admin/people/{person_id}/end-sessions", "End every session of a person (admin)", None, None, AdminPersonSchema, [PERSON_ID], CHANGE),
    ("post", "/api/admin/people/{person_id}/setup-code", "A new setup code, shown once (admin)", None, None, SetupCodeSchema, [PERSON_ID], CHANGE),
    ("post", "/api/admin/people/{person_id}/second-factor/reset", "Remove a lost authenticator (admin)", None, None, AdminPersonSchema, [PERSON_ID], CHANGE),
    ("post", "/api/admin/people/{person_id}/unlink-organisation", "Unlink from single sign-on: a local account, set up with a setup code (admin)", None, None, AdminPersonSchema, [PERSON_ID], CHANGE),
    ("get", "/api/admin/teams", "Teams (admin)", None, None, AdminTeamListSchema, [], [401, 403]),
    ("post", "/api/admin/teams", "Create a team (admin)", TeamCreateSchema, None, AdminTeamSchema, [], CHANGE),
    ("get", "/api/admin/teams/{team_id}", "One team (admin)", None, None, AdminTeamSchema, [TEAM_ID], [401, 403, 404]),
    ("patch", "/api/admin/teams/{team_id}", "Rename; duty desk and out-of-hours numbers (admin)", TeamUpdateSchema, None, AdminTeamSchema, [TEAM_ID], CHANGE),
    ("get", "/api/admin/audit", "The audit log by person, concern and date (admin; audited)", None, AuditArgsSchema, AdminAuditPageSchema, [], [401, 403, 422]),
    ("get", "/api/admin/audit.csv", "The same as CSV, formulas neutralised (admin; audited)", None, AuditArgsSchema, Csv, [], [401, 403, 422]),
    # A duty manager's own team.
    ("get", "/api/team/people", "Carers and field workers of my team (duty manager)", None, None, TeamPeopleSchema, [], [401, 403]),
    ("post", "/api/team/people/{person_id}/setup-code", "A setup code for one of them, shown once (duty manager)", None, None, SetupCodeSchema, [PERSON_ID], CHANGE),
]

EXTRA_OPERATIONS: list = []  # other features append theirs (same tuple shape) at import time


def _operation(summary, body, query, ok, params, errors) -> dict:
    responses = {"200": {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}}
                 if ok is Csv else
                 {"description": "OK", "content": {"application/json": {"schema": ok}}}
                 if ok else {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}
    # Any request can be malformed (e.g. a NUL in the query string) or meet a server fault.
    for status in sorted(set(errors) | {400, 500}):
        responses[str(status)] = {"description": "Error", "content": {"application/json": {"schema": ErrorSchema}}}
    operation = {"summary": summary, "responses": responses, "parameters": list(params)}
    if query:
        operation["parameters"].append({"in": "query", "schema": query})
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


@lru_cache(maxsize=1)
def build() -> dict:
    spec = APISpec(title="SafeVisit API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Every error has the shape of ErrorSchema. State-changing "
                                        "requests need the X-CSRFToken header from /api/auth/session. "
                                        "Requests about concerns, answers, people and the audit trail also "
                                        "need X-SafeVisit-Device, the device_key of the login answer "
                                        "(else 401 device_locked)."})
    spec.components.schema("Error", schema=ErrorSchema)
    paths: dict[str, dict] = {}
    for method, path, summary, body, query, ok, params, errors in OPERATIONS + EXTRA_OPERATIONS:
        paths.setdefault(path, {})[method] = _operation(summary, body, query, ok, params, errors)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/api/openapi.json")
def openapi_document():
    return build()
