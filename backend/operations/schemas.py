"""What the operations endpoints answer, for the OpenAPI document."""
from marshmallow import Schema, fields

from .. import openapi


class ReadySchema(Schema):
    status = fields.Str(required=True, metadata={"example": "ready"})
    worker_last_seen = fields.Str(required=True, metadata={"description": "UTC, ISO 8601"})


class AlertingSchema(Schema):
    state = fields.Str(required=True, metadata={"description": "ok, or delayed: no alert worker "
                                                "was seen within SAFEVISIT_WORKER_STALE_SECONDS"})
    last_seen = fields.Str(allow_none=True, required=True,
                           metadata={"description": "When an alert worker was last seen (UTC, ISO 8601)"})


openapi.EXTRA_OPERATIONS.extend([
    ("get", "/api/ready", "Readiness: database, migrations, VAPID key, a live alert worker "
     "(503 with reasons)", None, None, ReadySchema, [], [503]),
    ("get", "/api/alerting", "Whether alerts are being sent now (managers, admins)", None, None,
     AlertingSchema, [], [401, 403]),
])
