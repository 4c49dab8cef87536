"""Recording audit events inside the caller's transaction, so a change and its record commit together."""
import json

from flask import has_request_context, request

from ..extensions import db
from .models import AuditEvent


def record(action: str, object_type: str, object_id: str, *, user=None, detail: dict | None = None):
    db.session.add(AuditEvent(
        user_id=user.id if user is not None else None,
        action=action, object_type=object_type, object_id=object_id,
        address=request.remote_addr if has_request_context() else None,
        detail=json.dumps(detail, sort_keys=True) if detail else None,
    ))
