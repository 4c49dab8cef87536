"""`GET /api/audit`: the audit trail, newest first, for admins only (the console searches it
through /api/admin/audit)."""
from flask import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from .. import api
from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..api import declare
from ..audit.models import AuditEvent
from ..audit.reads import filters_of, record_read
from ..extensions import db
from .schemas import AuditEventSchema

bp = Blueprint("audit", __name__, url_prefix="/api/audit")


class AuditQueryArgsSchema(Schema):
    object_id = fields.Str(validate=validate.Length(max=64))
    user_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    before = fields.Int(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Page back from this event id."})
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class AuditPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema), dump_only=True)


@bp.get("")
@declare("The audit trail (admin)",
         query=AuditQueryArgsSchema, answers=AuditPageSchema, errors=[403], device_key=True)
def list_events():
    admin = require(MANAGE_PEOPLE)  # the audit log is the admin console's
    args = api.query()
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
