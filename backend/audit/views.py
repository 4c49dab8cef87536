"""`GET /api/audit`: the trail, for admins only."""
from flask import Blueprint, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..extensions import db
from ..fields import UtcDateTime
from .models import AuditEvent
from .reads import filters_of, record_read

bp = Blueprint("audit", __name__, url_prefix="/api/audit")


class AuditQueryArgsSchema(Schema):
    object_id = fields.Str(validate=validate.Length(max=64))
    user_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    before = fields.Int(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Page back from this event id."})
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class AuditEventSchema(Schema):
    id = fields.Int(dump_only=True)
    at = UtcDateTime(dump_only=True)
    user_id = fields.Int(dump_only=True, allow_none=True)
    action = fields.Str(dump_only=True)
    object_type = fields.Str(dump_only=True)
    object_id = fields.Str(dump_only=True)
    address = fields.Str(dump_only=True, allow_none=True)
    detail = fields.Str(dump_only=True, allow_none=True)


class AuditPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema), dump_only=True)


@bp.get("")
def list_events():
    admin = require(MANAGE_PEOPLE)  # the audit log is the admin console's
    args = AuditQueryArgsSchema().load(request.args.to_dict())
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(args["limit"])
    if "object_id" in args:
        query = query.where(AuditEvent.object_id == args["object_id"])
    if "user_id" in args:
        query = query.where(AuditEvent.user_id == args["user_id"])
    if "before" in args:
        query = query.where(AuditEvent.id < args["before"])
    page = AuditPageSchema().dump({"events": db.session.scalars(query).all()})
    record_read("list", admin, filters_of(args, ("object_id", "user_id", "before", "limit")),
                len(page["events"]))
    db.session.commit()
    return page
