"""Request and response bodies of the concerns and sync API."""
from marshmallow import Schema, fields, missing, validate

from ..accounts.schemas import PersonSchema, TeamSchema
from ..clock import utcnow
from ..fields import FullMatch, QueryFlag, StrictBool, UtcDateTime
from ..procedures.schemas import answers_field
from ..urgency import ORDER
from .author_view import AuthorConcernSchema, author_status
from .concern_core import ConcernCoreSchema
from .duty_call import DutyCallSchema
from .status import DEVICE_STATUSES, ActionState, Status

URGENCIES = [level.value for level in ORDER]

CASE_REFERENCE = FullMatch(
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
    status = fields.Str(required=True, validate=validate.OneOf([s.value for s in DEVICE_STATUSES]))
    addendum = fields.Str(validate=validate.Length(min=1, max=8000),
                          metadata={"description": "Only for a concern already submitted."})
    submitted_without = fields.List(
        fields.Str(validate=validate.Length(min=1, max=80)), validate=validate.Length(max=100),
        metadata={"description": "Decisive unanswered questions (evaluation `needs`) the author "
                                 "confirmed submitting without (recorded with the concern)."})
    duty_call = fields.Nested(DutyCallSchema, metadata={
        "description": "\"I have phoned\": the worker's call to the duty desk, recorded on the phone."})


class SyncRequestSchema(Schema):
    changes = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=50))


class TrackedActionSchema(Schema):
    """A recommended action as tracked work."""
    action = fields.Str(dump_only=True)
    title = fields.Str(dump_only=True)
    urgency = fields.Str(dump_only=True)
    paragraphs = fields.Function(lambda a: a.recommendation.get("paragraphs", []), dump_only=True)
    reasons = fields.Function(lambda a: a.recommendation.get("reasons", []), dump_only=True)
    condition = fields.Function(lambda a: a.recommendation.get("condition"), dump_only=True)
    state = fields.Str(dump_only=True, validate=validate.OneOf(["to_do", "done", "not_needed"]))
    due_at = UtcDateTime(dump_only=True)
    overdue = fields.Method("_overdue", dump_only=True)
    note = fields.Str(dump_only=True)
    reference = fields.Str(dump_only=True)
    changed_at = UtcDateTime(dump_only=True, allow_none=True)
    changed_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)

    def _overdue(self, action) -> bool:
        return action.state == "to_do" and action.due_at <= utcnow()


class ConcernSchema(ConcernCoreSchema):
    """A concern as the duty desk reads it: the core and the manager's work on it."""
    status = fields.Str(dump_only=True)
    acknowledged_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    decision = fields.Str(dump_only=True, allow_none=True)
    assigned_to = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    assigned_at = UtcDateTime(dump_only=True, allow_none=True)
    outcome = fields.Str(dump_only=True, allow_none=True)
    closed_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    tracked_actions = fields.List(fields.Nested(TrackedActionSchema), dump_only=True, metadata={
        "description": "The recommendations made at submission, each followed to done or not needed."})
    restricted = StrictBool(dump_only=True, metadata={
        "description": "An allegation, or marked so: opening it needs a recorded reason (POST .../access)."})
    label = fields.Str(dump_only=True, metadata={
        "description": "Only on a restricted concern not opened: \"Restricted concern\" (then only "
                       "id, status, urgency and times are given)."})
    restricted_because = fields.Str(dump_only=True, allow_none=True, metadata={"description": "allegation or marked"})
    restricted_reason = fields.Str(dump_only=True, allow_none=True)
    restricted_at = UtcDateTime(dump_only=True, allow_none=True)
    restricted_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)


class SyncResultSchema(Schema):
    id = fields.Str(dump_only=True, allow_none=True)
    change_id = fields.Str(dump_only=True, allow_none=True)
    result = fields.Str(dump_only=True, validate=validate.OneOf(["applied", "duplicate", "conflict", "rejected"]))
    version = fields.Int(dump_only=True, metadata={"description": "The version the device now holds."})
    status = fields.Function(lambda r: author_status(r["status"]) if "status" in r else missing,
                             dump_only=True, metadata={
        "description": "The concern's status after this change, as its author sees it."})
    urgency = fields.Str(dump_only=True, allow_none=True)
    concern = fields.Nested(AuthorConcernSchema, dump_only=True, metadata={
        "description": "Only with a conflict: the server's copy, for the author to reconcile with theirs."})
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()), dump_only=True)


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema), dump_only=True)
    alerting = fields.Str(dump_only=True, validate=validate.OneOf(["ok", "delayed"]), metadata={
        "description": "Only when this batch submitted an urgent or immediate concern: delayed "
                       "when no alert worker was seen lately (phone the duty desk), else ok."})


class ConcernListArgsSchema(Schema):
    since = fields.Int(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))
    status = fields.Str(validate=validate.OneOf([s.value for s in Status]))


class ConcernListSchema(Schema):
    concerns = fields.List(fields.Nested(ConcernSchema), dump_only=True)
    cursor = fields.Int(dump_only=True, metadata={"description": "Send back as ?since= next time."})
    more = StrictBool(dump_only=True, metadata={"description": "Another page is waiting: ask again now."})


class RevisionSchema(Schema):
    id = fields.Int(dump_only=True)
    kind = fields.Str(dump_only=True)
    version = fields.Int(dump_only=True)
    base_version = fields.Int(dump_only=True, allow_none=True)
    body = fields.Dict(dump_only=True)
    author_id = fields.Int(dump_only=True)
    author = fields.Nested(PersonSchema, dump_only=True, metadata={
        "description": "Who made this version, named as everywhere else (the page needs no second call)."})
    created_at = UtcDateTime(dump_only=True)


class HistorySchema(Schema):
    revisions = fields.List(fields.Nested(RevisionSchema), dump_only=True)


class AcknowledgeSchema(Schema):
    note = fields.Str(validate=validate.Length(max=2000))


class DecisionSchema(Schema):
    decision = fields.Str(required=True, validate=validate.Length(min=1, max=8000))
    close = StrictBool(load_default=False, metadata={
        "description": "Also close the concern, with the decision as its outcome (as POST .../close)."})


class AssignSchema(Schema):
    user = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1),
                      metadata={"description": "A worker or manager of the concern's team."})


class AssigneesSchema(Schema):
    people = fields.List(fields.Nested(PersonSchema), dump_only=True)


class CloseSchema(Schema):
    outcome = fields.Str(required=True, validate=validate.Length(min=1, max=8000))


class ActionUpdateSchema(Schema):
    state = fields.Str(required=True, validate=validate.OneOf([s.value for s in ActionState]))
    note = fields.Str(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "Required (the reason) when the state is not_needed."})
    reference = fields.Str(load_default="", validate=validate.Length(max=120), metadata={
        "description": "E.g. a police or IWF reference."})


class QueueArgsSchema(Schema):
    status = fields.Str(validate=validate.OneOf([s.value for s in Status if s != Status.DRAFT]),
                        metadata={"description": "Default: every open status."})
    urgency = fields.Str(validate=validate.OneOf(URGENCIES))
    unacknowledged = QueryFlag()
    overdue = QueryFlag(metadata={"description": "Only concerns with an action past its due time."})
    assigned_to = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    team = fields.Int(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Admins only."})
    after = fields.Str(validate=[validate.Length(min=1, max=200), FullMatch(r"^[A-Za-z0-9_-]+$", error=(
        "Not a valid page marker."))],
                       metadata={"description": "The `next` of the previous page."})
    limit = fields.Int(load_default=25, validate=validate.Range(min=1, max=100))


class QueueItemSchema(Schema):
    id = fields.Str(dump_only=True)
    case_reference = fields.Str(dump_only=True)
    status = fields.Str(dump_only=True)
    urgency = fields.Str(dump_only=True, allow_none=True)
    author = fields.Nested(PersonSchema, dump_only=True)
    team = fields.Nested(TeamSchema, dump_only=True)
    submitted_at = UtcDateTime(dump_only=True, allow_none=True)
    acknowledged_at = UtcDateTime(dump_only=True, allow_none=True)
    assigned_to = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    actions_to_do = fields.Int(dump_only=True)
    actions_overdue = fields.Int(dump_only=True)
    next_due_at = UtcDateTime(dump_only=True, allow_none=True)
    phoned = StrictBool(dump_only=True, metadata={"description": "The worker has phoned the duty desk."})
    restricted = StrictBool(dump_only=True, metadata={
        "description": "Present only on a restricted concern not opened: then only id, status, "
                       "urgency and times are given, with label \"Restricted concern\"."})
    label = fields.Str(dump_only=True)


class QueueSchema(Schema):
    concerns = fields.List(fields.Nested(QueueItemSchema), dump_only=True)
    next = fields.Str(dump_only=True, allow_none=True, metadata={"description": "Send as ?after= for the next page."})
    counts = fields.Dict(keys=fields.Str(), values=fields.Int(), dump_only=True,
                         metadata={"description": "Concerns per status under the same filters, status aside."})
    teams = fields.List(fields.Nested(TeamSchema), dump_only=True,
                        metadata={"description": "What `team` may name: every team for admins, empty otherwise."})


class ChronologyEntrySchema(Schema):
    at = UtcDateTime(dump_only=True)
    concern_id = fields.Str(dump_only=True)
    kind = fields.Str(dump_only=True, metadata={"description": "submitted, addendum, acknowledged, "
                      "assigned, action, decision, closed, phoned, alert_sent, escalated"})
    who = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    detail = fields.Dict(dump_only=True)


class ChronologySchema(Schema):
    case_reference = fields.Str(dump_only=True)
    concerns = fields.List(fields.Nested(QueueItemSchema), dump_only=True)
    entries = fields.List(fields.Nested(ChronologyEntrySchema), dump_only=True)


PRINT_VIA = ["button", "browser"]


class PrintRequestSchema(Schema):
    """The print is of the concern in the path, by whoever is signed in."""
    via = fields.Str(load_default="button", validate=validate.OneOf(PRINT_VIA), metadata={
        "description": "button: the pack's Print button, recorded before the dialog opens; "
                       "browser: the browser's own Print (its menu, Ctrl+P), recorded as it starts."})


class PrintRecordSchema(Schema):
    printed_by = fields.Nested(PersonSchema, dump_only=True)
    printed_at = UtcDateTime(dump_only=True)
    via = fields.Str(dump_only=True)


class RecheckSchema(Schema):
    concern_id = fields.Str(dump_only=True)
    case_reference = fields.Str(dump_only=True)
    status = fields.Str(dump_only=True)
    from_version = fields.Str(dump_only=True, metadata={"description": "The revision the concern keeps."})
    to_version = fields.Str(dump_only=True, metadata={"description": "The newer revision it was checked against."})
    added = fields.List(fields.Nested(lambda: RecheckActionSchema()), dump_only=True,
                        metadata={"description": "Recommended under the new revision only (or more urgent there)."})
    removed = fields.List(fields.Nested(lambda: RecheckActionSchema()), dump_only=True,
                          metadata={"description": "Recommended under the concern's revision only."})
    created_at = UtcDateTime(dump_only=True)


class RecheckActionSchema(Schema):
    action = fields.Str(dump_only=True)
    urgency = fields.Str(dump_only=True)
    title = fields.Str(dump_only=True)


class RecheckListSchema(Schema):
    rechecks = fields.List(fields.Nested(RecheckSchema), dump_only=True)
