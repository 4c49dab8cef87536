"""What the operations endpoints answer, for the OpenAPI document."""
from marshmallow import Schema, fields


class ReadySchema(Schema):
    status = fields.Str(required=True, metadata={"example": "ready"})
    worker_last_seen = fields.Str(required=True, metadata={"description": "UTC, ISO 8601"})


class AlertingSchema(Schema):
    state = fields.Str(required=True, metadata={"description": "ok, or delayed: no alert worker "
                                                "was seen within SAFEVISIT_WORKER_STALE_SECONDS"})
    last_seen = fields.Str(allow_none=True, required=True,
                           metadata={"description": "When an alert worker was last seen (UTC, ISO 8601)"})
