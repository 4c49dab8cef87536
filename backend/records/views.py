"""`/api/admin/concerns/<id>/legal-hold`: a concern held from the retention purge (admins):
whether it is held, placing a hold and lifting it; and `/api/admin/concerns/legal-holds`, every
concern held now."""
from flask import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from .. import api
from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..accounts.models import User
from ..api import declare
from ..audit.log import record
from ..clock import utcnow
from ..concerns.models import Concern
from ..errors import ApiError
from ..extensions import db
from ..fields import Reason, StrictBool, UtcDateTime
from .models import LegalHold

bp = Blueprint("records", __name__, url_prefix="/api/admin/concerns")


class HoldRequestSchema(Schema):
    reason = Reason(metadata={"description": "Why (litigation, an inquiry, a complaint): kept in the audit log."})


class HoldSchema(Schema):
    concern_id = fields.Str(dump_only=True)
    held = StrictBool(dump_only=True)
    reason = fields.Str(dump_only=True, allow_none=True)
    placed_at = UtcDateTime(dump_only=True, allow_none=True)
    placed_by = fields.Str(dump_only=True, allow_none=True, metadata={"description": "The admin's name."})


class HoldListSchema(Schema):
    holds = fields.List(fields.Nested(HoldSchema), dump_only=True,
                        metadata={"description": "Newest hold first."})


def _held(hold: LegalHold, placed_by: str | None) -> dict:
    return {"concern_id": hold.concern_id, "held": True, "reason": hold.reason,
            "placed_at": hold.placed_at, "placed_by": placed_by}


def _not_held(concern_id: str) -> dict:
    return {"concern_id": concern_id, "held": False, "reason": None, "placed_at": None, "placed_by": None}


def _concern(concern_id: str):
    """(the admin, the concern): 403 for anyone but an admin, 404 for no such concern."""
    admin = require(MANAGE_PEOPLE)
    # Only the id is touched: a hold reads nothing of the concern, restricted or not.
    concern = db.session.get(Concern, concern_id.lower())
    if concern is None:
        raise ApiError(404, "No such concern.")
    return admin, concern


def _request(concern_id: str):
    """(the admin, the concern, its hold or None, the reason given): as _concern, and 422
    without a reason."""
    admin, concern = _concern(concern_id)
    reason = api.body()["reason"]
    return admin, concern, db.session.scalar(select(LegalHold).filter_by(concern_id=concern.id)), reason


@bp.get("/legal-holds")
@declare("Every concern under legal hold now: since when, why and placed by whom (admin)",
         answers=HoldListSchema, errors=[403], device_key=True)
def held_now():
    # Not audited, as one hold's state is not: the ids, reasons and names are what the audit
    # log's legal_hold entries already hold, and nothing of the concerns themselves.
    require(MANAGE_PEOPLE)
    rows = db.session.execute(select(LegalHold, User.display_name)
                              .outerjoin(User, User.id == LegalHold.placed_by_id)
                              .order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())).all()
    return HoldListSchema().dump({"holds": [_held(hold, name) for hold, name in rows]})


@bp.get("/<concern_id>/legal-hold")
@declare("Whether a concern is under legal hold: since when, why and placed by whom (admin)",
         answers=HoldSchema, errors=[403, 404], device_key=True)
def hold_state(concern_id: str):
    # Not audited: it says only what the audit log's legal_hold entry already holds, and
    # nothing of the concern itself.
    _, concern = _concern(concern_id)
    hold = db.session.scalar(select(LegalHold).filter_by(concern_id=concern.id))
    if hold is None:
        return HoldSchema().dump(_not_held(concern.id))
    placed_by = db.session.get(User, hold.placed_by_id)
    return HoldSchema().dump(_held(hold, placed_by.display_name if placed_by else None))


@bp.post("/<concern_id>/legal-hold")
@declare("Place a concern under legal hold: never purged (admin; audited)",
         body=HoldRequestSchema, answers=HoldSchema, errors=[403, 404, 409], device_key=True)
def place_hold(concern_id: str):
    admin, concern, hold, reason = _request(concern_id)
    if hold is not None:
        raise ApiError(409, "This concern is already under legal hold.", "already_held")
    hold = LegalHold(concern_id=concern.id, reason=reason, placed_at=utcnow(), placed_by_id=admin.id)
    db.session.add(hold)
    record("legal_hold", "concern", concern.id, user=admin, detail={"reason": reason})
    db.session.commit()
    return HoldSchema().dump(_held(hold, admin.display_name))


@bp.delete("/<concern_id>/legal-hold")
@declare("Lift a legal hold (admin; audited)",
         body=HoldRequestSchema, answers=HoldSchema, errors=[403, 404, 409], device_key=True)
def lift_hold(concern_id: str):
    admin, concern, hold, reason = _request(concern_id)
    if hold is None:
        raise ApiError(409, "This concern is not under legal hold.", "not_held")
    db.session.delete(hold)
    record("lift_legal_hold", "concern", concern.id, user=admin,
           detail={"reason": reason, "held_since": hold.placed_at.isoformat(), "held_for": hold.reason})
    db.session.commit()
    return HoldSchema().dump(_not_held(concern.id))
