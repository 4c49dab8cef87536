"""Request and response bodies of the concerns and sync API."""
from marshmallow import Schema, fields, validate

from ..accounts.schemas import TeamSchema
from ..fields import UtcDateTime
from ..procedures.schemas import RecommendedActionSchema, answers_field

CASE_REFERENCE = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9 /_.-]{0,39}$",
    error="Use letters, digits, spaces and / _ . - only (at most 40): a case reference, never a name.")


class ChangeSchema(Schema):
    """One change to one concern, as a device sends it."""
    id = fields.UUID(required=True)
    change_id = fields.UUID(required=True, metadata={"description": "New for every edit; makes resending safe."})
    base_version = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=1_000_000))
    case_reference = fields.Str(required=True, validate=CASE_REFERENCE)
    procedure = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    procedure_version = fields.Str(required=True, validate=validate.Length(min=1, max=20))
    answers = answers_field(required=True)
    notes = fields.Str(load_default="", validate=validate.Length(max=8000))
    status = fields.Str(required=True, validate=validate.OneOf(["draft", "submitted"]))
    addendum = fields.Str(validate=validate.Length(min=1, max=8000),
                          metadata={"description": "Only for a concern already submitted."})
    submitted_without = fields.List(
        fields.Str(validate=validate.Length(min=1, max=80)), validate=validate.Length(max=100),
        metadata={"description": "Decisive unanswered questions (evaluation `needs`) the author "
                                 "confirmed submitting without (recorded with the concern)."})


class SyncRequestSchema(Schema):
    changes = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=50))


class PersonSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str(dump_only=True)
    display_name = fields.Str(dump_only=True)


class ConcernSchema(Schema):
    id = fields.Str(dump_only=True)
    case_reference = fields.Str(dump_only=True)
    procedure = fields.Str(dump_only=True)
    procedure_version = fields.Str(dump_only=True)
    answers = fields.Dict(dump_only=True)
    notes = fields.Str(dump_only=True)
    status = fields.Str(dump_only=True)
    urgency = fields.Str(dump_only=True, allow_none=True)
    actions = fields.List(fields.Nested(RecommendedActionSchema), dump_only=True)
    author = fields.Nested(PersonSchema, dump_only=True)
    team = fields.Nested(TeamSchema, dump_only=True)
    version = fields.Int(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    submitted_at = UtcDateTime(dump_only=True, allow_none=True)
    acknowledged_at = UtcDateTime(dump_only=True, allow_none=True)
    acknowledged_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    decision = fields.Str(dump_only=True, allow_none=True)
    submitted_without = fields.List(fields.Dict(), dump_only=True, allow_none=True, metadata={
        "description": "[{question, label, because, confirmed}]: decisive questions unanswered at "
                       "submission; confirmed when the author chose to submit without them."})


class SyncResultSchema(Schema):
    id = fields.Str(dump_only=True, allow_none=True)
    change_id = fields.Str(dump_only=True, allow_none=True)
    result = fields.Str(dump_only=True, validate=validate.OneOf(["applied", "duplicate", "conflict", "rejected"]))
    version = fields.Int(dump_only=True)
    concern = fields.Nested(ConcernSchema, dump_only=True)
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()), dump_only=True)


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema), dump_only=True)


class ConcernListArgsSchema(Schema):
    since = fields.Int(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))
    status = fields.Str(validate=validate.OneOf(["draft", "submitted", "acknowledged", "closed"]))


class ConcernListSchema(Schema):
    concerns = fields.List(fields.Nested(ConcernSchema), dump_only=True)
    cursor = fields.Int(dump_only=True, metadata={"description": "Send back as ?since= next time."})
    more = fields.Bool(dump_only=True, metadata={"description": "Another page is waiting: ask again now."})


class RevisionSchema(Schema):
    id = fields.Int(dump_only=True)
    kind = fields.Str(dump_only=True)
    version = fields.Int(dump_only=True)
    base_version = fields.Int(dump_only=True, allow_none=True)
    body = fields.Dict(dump_only=True)
    author_id = fields.Int(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class HistorySchema(Schema):
    revisions = fields.List(fields.Nested(RevisionSchema), dump_only=True)


class AcknowledgeSchema(Schema):
    note = fields.Str(validate=validate.Length(max=2000))


class DecisionSchema(Schema):
    decision = fields.Str(required=True, validate=validate.Length(min=1, max=8000))
    close = fields.Bool(load_default=False)
