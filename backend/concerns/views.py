"""`/api/sync` and `/api/concerns`: what devices send and what each role may read or do."""
import datetime as dt

from flask import Blueprint, current_app, request
from sqlalchemy import select

from ..accounts.models import Role
from ..accounts.sessions import require_user
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db
from ..procedures.models import utcnow
from ..requests import json_body
from . import events
from .access import get_visible, visible_to
from .models import Concern, ConcernRevision
from .schemas import (AcknowledgeSchema, ConcernListArgsSchema, ConcernListSchema, ConcernSchema,
                      DecisionSchema, HistorySchema, SyncRequestSchema, SyncResponseSchema)
from .sync import apply_change

bp = Blueprint("concerns", __name__, url_prefix="/api")

AUTHORS = (Role.FOSTER_CARER.value, Role.FIELD_WORKER.value)


@bp.post("/sync")
def sync():
    user = require_user(*AUTHORS)
    body = json_body(SyncRequestSchema(), items_checked_apart="changes")
    # Each change commits or fails on its own: one bad item never holds back the rest.
    results = [apply_change(user, raw) for raw in body["changes"]]
    return SyncResponseSchema().dump({"results": results})


PAGE = 500


@bp.get("/concerns")
def list_concerns():
    user = require_user()
    args = ConcernListArgsSchema().load(request.args.to_dict())
    visible = visible_to(user).subquery()
    page = db.session.execute(
        select(ConcernRevision.id, ConcernRevision.concern_id, ConcernRevision.created_at)
        .join(visible, visible.c.id == ConcernRevision.concern_id)
        .where(ConcernRevision.id > args["since"]).order_by(ConcernRevision.id).limit(PAGE + 1)).all()
    more = len(page) > PAGE
    page = page[:PAGE]
    # Ids are handed out before commit, so on PostgreSQL a lower id can become visible after
    # a higher one. The cursor therefore stops short of changes younger than the settle time:
    # they are sent now and again next time (the device keeps the higher version), never missed.
    settled = utcnow() - dt.timedelta(seconds=current_app.config["SYNC_CURSOR_SETTLE_SECONDS"])
    cursor = args["since"]
    for revision_id, _, created_at in page:
        if created_at > settled:
            break
        cursor = revision_id
    query = visible_to(user).where(Concern.id.in_({concern_id for _, concern_id, _ in page}))
    if "status" in args:
        query = query.where(Concern.status == args["status"])
    concerns = db.session.scalars(query.order_by(Concern.updated_at.desc())).unique().all()
    # Which concerns were disclosed, not only how many: the trail must answer "who saw this one".
    record("list", "concern", "*", user=user, detail={"since": args["since"], "count": len(concerns),
                                                      "ids": [c.id for c in concerns]})
    db.session.commit()
    return ConcernListSchema().dump({"concerns": concerns, "cursor": cursor,
                                     "more": more and cursor > args["since"]})


@bp.get("/concerns/<concern_id>")
def get_concern(concern_id: str):
    user = require_user()
    concern = get_visible(user, concern_id)
    record("read", "concern", concern.id, user=user)
    db.session.commit()
    return ConcernSchema().dump(concern)


@bp.get("/concerns/<concern_id>/history")
def concern_history(concern_id: str):
    user = require_user()
    concern = get_visible(user, concern_id)
    revisions = db.session.scalars(select(ConcernRevision).filter_by(concern_id=concern.id)
                                   .order_by(ConcernRevision.id)).all()
    record("read_history", "concern", concern.id, user=user)
    db.session.commit()
    return HistorySchema().dump({"revisions": revisions})


def _managed(concern_id: str):
    user = require_user(Role.DUTY_MANAGER.value)
    return user, get_visible(user, concern_id)


def _status_change(user, concern: Concern, detail: dict) -> None:
    concern.updated_at = utcnow()
    db.session.flush()
    db.session.add(ConcernRevision(concern_id=concern.id, change_id=None, kind="status",
                                   version=concern.version, base_version=None,
                                   body={"status": concern.status, **detail}, author_id=user.id))


@bp.post("/concerns/<concern_id>/acknowledge")
def acknowledge(concern_id: str):
    user, concern = _managed(concern_id)
    body = json_body(AcknowledgeSchema())
    if concern.status == "submitted":
        concern.status = "acknowledged"
        concern.acknowledged_at = utcnow()
        concern.acknowledged_by_id = user.id
        _status_change(user, concern, {"note": body.get("note", "")})
        record("acknowledge", "concern", concern.id, user=user)
        events.concern_acknowledged.send(concern)
        db.session.commit()
    elif concern.status == "closed":
        raise ApiError(409, "This concern is already closed.")
    # Acknowledging twice is harmless: the first acknowledgement stands.
    return ConcernSchema().dump(concern)


@bp.post("/concerns/<concern_id>/decision")
def decide(concern_id: str):
    user, concern = _managed(concern_id)
    body = json_body(DecisionSchema())
    if concern.status == "closed":
        raise ApiError(409, "This concern is already closed.")
    if concern.status == "submitted":
        concern.acknowledged_at = utcnow()
        concern.acknowledged_by_id = user.id
        events.concern_acknowledged.send(concern)
    concern.decision = body["decision"]
    concern.status = "closed" if body["close"] else "acknowledged"
    _status_change(user, concern, {"decision": body["decision"]})
    record("decide", "concern", concern.id, user=user, detail={"close": body["close"]})
    db.session.commit()
    return ConcernSchema().dump(concern)
