"""Request and response bodies of the alert job list, test alerts and duty coverage."""
from marshmallow import Schema, fields, validate

from ..accounts.schemas import TeamSchema
from ..fields import UtcDateTime
from .models import JOB_KINDS
from .states import JobStatus


class JobListArgsSchema(Schema):
    status = fields.Str(validate=validate.OneOf([s.value for s in JobStatus]))
    kind = fields.Str(validate=validate.OneOf(JOB_KINDS))
    concern_id = fields.Str(validate=validate.Length(max=36))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class JobSchema(Schema):
    id = fields.Int(dump_only=True)
    concern_id = fields.Str(dump_only=True, allow_none=True, metadata={"description": "null for a test alert"})
    subscription_id = fields.Int(dump_only=True, allow_none=True)
    user_id = fields.Int(dump_only=True)
    kind = fields.Str(dump_only=True)
    status = fields.Str(dump_only=True)
    attempts = fields.Int(dump_only=True)
    next_attempt_at = UtcDateTime(dump_only=True)
    last_status_code = fields.Int(dump_only=True, allow_none=True)
    last_error = fields.Str(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    sent_at = UtcDateTime(dump_only=True, allow_none=True)


class JobListSchema(Schema):
    jobs = fields.List(fields.Nested(JobSchema), dump_only=True)
    counts = fields.Dict(keys=fields.Str(), values=fields.Int(), dump_only=True)


class TestAlertRequestSchema(Schema):
    """Empty: a test alert goes to the signed-in user's own subscriptions."""


class TestAlertSchema(Schema):
    queued = fields.Int(dump_only=True, metadata={"description": "Test alerts queued (one per subscription)."})


class TestAckSchema(Schema):
    token = fields.Str(required=True, validate=validate.Length(min=3, max=64), metadata={
        "description": "The `test` of the test alert's payload, sent back from its notification."})
    endpoint = fields.Str(required=True, validate=validate.Length(min=1, max=1024), metadata={
        "description": "The endpoint of the push subscription that received it (the service "
                       "worker's own): a test alert is acknowledged only by the browser it was sent to."})
    auth = fields.Str(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "That subscription's authentication secret (`keys.auth`), which only the "
                       "browser holding it and the server know: no answer of the API returns it."})


class TestAckResultSchema(Schema):
    ok = fields.Bool(dump_only=True)
    subscription_id = fields.Int(dump_only=True, allow_none=True)


class CoverageTeamSchema(TeamSchema):
    on_duty = fields.Int(dump_only=True, metadata={"description": "Managers an alert goes to now."})
    reachable = fields.Int(dump_only=True, metadata={"description": "Of those, how many have a working channel."})
    covered = fields.Bool(dump_only=True, metadata={"description": "At least one of them has a working channel."})


class CoverageSchema(Schema):
    teams = fields.List(fields.Nested(CoverageTeamSchema), dump_only=True)
