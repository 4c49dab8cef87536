"""Recording audit events inside the caller's transaction, so a change and its record commit together."""
import json

from flask import has_request_context, request
from sqlalchemy import insert

from ..extensions import db
from .models import AuditEvent


def row(action: str, object_type: str, object_id: str, *, user=None, detail: dict | None = None) -> dict:
    """One audit event's columns, for `record` or for many inserted at once (`record_all`)."""
    return {"user_id": user.id if user is not None else None,
            "action": action, "object_type": object_type, "object_id": object_id,
            "address": request.remote_addr if has_request_context() else None,
            "detail": json.dumps(detail, sort_keys=True) if detail else None}


def record(action: str, object_type: str, object_id: str, *, user=None, detail: dict | None = None):
    db.session.add(AuditEvent(**row(action, object_type, object_id, user=user, detail=detail)))


def record_all(rows: list[dict]) -> None:
    """Many events in one INSERT (a sync batch's), still inside the caller's transaction."""
    if rows:
        db.session.execute(insert(AuditEvent), rows)
