"""Restricted concerns over HTTP: open one with a reason; mark one restricted, or lift it."""
from flask import Blueprint
from marshmallow import Schema, fields

from .. import api
from ..accounts import capabilities
from ..api import declare
from ..extensions import db
from ..fields import Reason, UtcDateTime
from . import restriction
from .access import get_visible
from .managed import answered, managed
from .schemas import ConcernSchema

bp = Blueprint("restriction", __name__, url_prefix="/api/concerns")


class RestrictionReasonSchema(Schema):
    reason = Reason(metadata={"description": "Why: kept in the audit log with who and when."})


class AccessSchema(Schema):
    granted_at = UtcDateTime(dump_only=True)
    reason = fields.Str(dump_only=True)
    concern = fields.Nested(ConcernSchema, dump_only=True)


def _restriction_step(concern_id: str, step):
    user, concern = managed(concern_id)
    step(user, concern, api.body()["reason"])
    return answered(concern)


@bp.post("/<concern_id>/access")
@declare("Open a restricted concern, with the reason (managers, admins; audited)",
         body=RestrictionReasonSchema, answers=AccessSchema, errors=[403, 404, 409], device_key=True)
def open_restricted(concern_id: str):
    """A duty manager or admin who may see the concern records why they need to open it."""
    user = capabilities.require(capabilities.READ_QUEUE)
    concern = get_visible(user, concern_id)
    access = restriction.grant(user, concern, api.body()["reason"])
    db.session.commit()
    return AccessSchema().dump({"granted_at": access.granted_at, "reason": access.reason, "concern": concern})


@bp.post("/<concern_id>/restrict")
@declare("Mark a concern restricted, with the reason (duty manager; audited)",
         body=RestrictionReasonSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True)
def mark_restricted(concern_id: str):
    return _restriction_step(concern_id, restriction.mark)


@bp.delete("/<concern_id>/restrict")
@declare("Lift a restriction, with the reason (duty manager; audited)",
         body=RestrictionReasonSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True)
def lift_restriction(concern_id: str):
    return _restriction_step(concern_id, restriction.lift)
