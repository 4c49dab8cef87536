"""Request and response bodies of the alert job list, test alerts and duty coverage."""
from marshmallow import Schema, fields, validate

from ..accounts.schemas import PersonSchema, TeamSchema
from ..fields import StrictBool, UtcDateTime
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
    # The manager (or admin) the alert is for, and their browser: what an admin needs to ring
    # the right person when their alerts fail. Nothing about the concern beyond its random id.
    recipient = fields.Nested(PersonSchema, dump_only=True, metadata={"description": "Whom the alert is for."})
    device_label = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": "The browser the alert went to, as it named itself; null once its subscription is gone."})
    kind = fields.Str(dump_only=True, metadata={"enum": list(JOB_KINDS)})
    status = fields.Str(dump_only=True, metadata={"enum": [s.value for s in JobStatus]})
    attempts = fields.Int(dump_only=True)
    next_attempt_at = UtcDateTime(dump_only=True, metadata={
        "description": "When it is (or was) due to be tried; a pending job past it is waiting for a worker."})
    lease_expires_at = UtcDateTime(dump_only=True, allow_none=True, metadata={
        "description": "While sending: when the worker's claim lapses and another worker may take the job over."})
    last_status_code = fields.Int(dump_only=True, allow_none=True)
    last_error = fields.Str(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    sent_at = UtcDateTime(dump_only=True, allow_none=True)


class JobListSchema(Schema):
    jobs = fields.List(fields.Nested(JobSchema), dump_only=True)
    counts = fields.Dict(keys=fields.Str(), values=fields.Int(), dump_only=True, metadata={
        "description": "Every job by status, whatever the filters; a status with no job is left out."})


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
    ok = StrictBool(dump_only=True)
    subscription_id = fields.Int(dump_only=True, allow_none=True)


class CoverageTeamSchema(TeamSchema):
    on_duty = fields.Int(dump_only=True, metadata={"description": "Managers an alert goes to now."})
    reachable = fields.Int(dump_only=True, metadata={"description": "Of those, how many have a working channel."})
    covered = StrictBool(dump_only=True, metadata={"description": "At least one of them has a working channel."})


class CoverageSchema(Schema):
    teams = fields.List(fields.Nested(CoverageTeamSchema), dump_only=True)
