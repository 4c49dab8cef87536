"""What every reader of a concern is shown: its author and the duty desk alike.

The desk's view (schemas.ConcernSchema) adds the manager's work to it; the author's view
(author_view.AuthorConcernSchema) says where it stands in the author's words instead.
"""
from marshmallow import Schema, fields

from ..accounts.schemas import PersonSchema, TeamSchema
from ..fields import UtcDateTime
from ..procedures.schemas import RecommendedActionSchema


class ConcernCoreSchema(Schema):
    id = fields.Str(dump_only=True)
    case_reference = fields.Str(dump_only=True)
    procedure = fields.Str(dump_only=True)
    procedure_version = fields.Str(dump_only=True)
    answers = fields.Dict(dump_only=True)
    notes = fields.Str(dump_only=True)
    urgency = fields.Str(dump_only=True, allow_none=True)
    actions = fields.List(fields.Nested(RecommendedActionSchema), dump_only=True)
    author = fields.Nested(PersonSchema, dump_only=True)
    team = fields.Nested(TeamSchema, dump_only=True)
    version = fields.Int(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    submitted_at = UtcDateTime(dump_only=True, allow_none=True)
    acknowledged_at = UtcDateTime(dump_only=True, allow_none=True)
    closed_at = UtcDateTime(dump_only=True, allow_none=True)
    submitted_without = fields.List(fields.Dict(), dump_only=True, allow_none=True, metadata={
        "description": "[{question, label, because, confirmed}]: decisive questions unanswered at "
                       "submission; confirmed when the author chose to submit without them."})
    duty_call = fields.Dict(dump_only=True, allow_none=True, metadata={
        "description": "{phoned_at, desk, number, spoke_to}: the worker phoned the duty desk; null if not."})
