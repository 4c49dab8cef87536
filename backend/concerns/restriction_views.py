"""Restricted concerns over HTTP: open one with a reason; mark one restricted, or lift it."""
from flask import Blueprint
from marshmallow import Schema, fields, validate

from ..accounts import capabilities
from ..errors import ApiError
from ..extensions import db
from ..fields import UtcDateTime
from ..openapi import EXTRA_OPERATIONS
from ..requests import json_body
from . import restriction
from .access import get_readable, get_visible
from .schemas import ConcernSchema

bp = Blueprint("restriction", __name__, url_prefix="/api/concerns")


class RestrictionReasonSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=3, max=2000), metadata={
        "description": "Why: kept in the audit log with who and when."})


class AccessSchema(Schema):
    granted_at = UtcDateTime(dump_only=True)
    reason = fields.Str(dump_only=True)
    concern = fields.Nested(ConcernSchema, dump_only=True)


def _reason() -> str:
    reason = json_body(RestrictionReasonSchema())["reason"].strip()
    if len(reason) < 3:
        raise ApiError(422, "Say why.", fields={"reason": ["Write the reason."]})
    return reason


@bp.post("/<concern_id>/access")
def open_restricted(concern_id: str):
    """A duty manager or admin who may see the concern records why they need to open it."""
    user = capabilities.require(capabilities.READ_QUEUE)
    concern = get_visible(user, concern_id)
    reason = _reason()
    access = restriction.grant(user, concern, reason)
    db.session.commit()
    return AccessSchema().dump({"granted_at": access.granted_at, "reason": access.reason, "concern": concern})


@bp.post("/<concern_id>/restrict")
def mark_restricted(concern_id: str):
    user = capabilities.require(capabilities.MANAGE_CONCERNS)
    concern = get_readable(user, concern_id)
    reason = _reason()
    restriction.mark(user, concern, reason)
    db.session.commit()
    return ConcernSchema().dump(concern)


@bp.delete("/<concern_id>/restrict")
def lift_restriction(concern_id: str):
    user = capabilities.require(capabilities.MANAGE_CONCERNS)
    concern = get_readable(user, concern_id)
    reason = _reason()
    restriction.lift(user, concern, reason)
    db.session.commit()
    return ConcernSchema().dump(concern)


_ID = {"name": "concern_id", "in": "path", "required": True, "schema": {"type": "string"}}
_CHANGE = [400, 401, 403, 404, 409, 413, 415, 422]
EXTRA_OPERATIONS.extend([
    ("post", "/api/concerns/{concern_id}/access", "Open a restricted concern, with the reason "
     "(managers, admins; audited)", RestrictionReasonSchema, None, AccessSchema, [_ID], _CHANGE),
    ("post", "/api/concerns/{concern_id}/restrict", "Mark a concern restricted, with the reason "
     "(duty manager; audited)", RestrictionReasonSchema, None, ConcernSchema, [_ID], _CHANGE),
    ("delete", "/api/concerns/{concern_id}/restrict", "Lift a restriction, with the reason "
     "(duty manager; audited)", RestrictionReasonSchema, None, ConcernSchema, [_ID], _CHANGE),
])
