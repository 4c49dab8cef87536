"""`/api/sync` and `/api/concerns`: what devices send and what each role may read or do."""
import datetime as dt

from flask import Blueprint, current_app
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import api
from ..accounts import capabilities
from ..accounts.sessions import require_user
from ..api import declare
from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from . import chronology, events, lifecycle
from .lifecycle import Status
from . import queue as desk_queue
from .access import get_readable, visible_to
from .managed import answered, managed
from .restriction import opened_by, may_read
from .author_view import (AuthorConcernSchema, AuthorHistorySchema, author_revisions,
                          reads_as_author)
from .models import Concern, ConcernRevision
from .schemas import (AcknowledgeSchema, ActionUpdateSchema, AssigneesSchema, AssignSchema,
                      ChronologySchema, CloseSchema, ConcernListArgsSchema, ConcernListSchema,
                      ConcernSchema, DecisionSchema, HistorySchema, PrintRecordSchema,
                      PrintRequestSchema, QueueArgsSchema, QueueSchema, SyncRequestSchema,
                      SyncResponseSchema)
from .sync import apply_batch

bp = Blueprint("concerns", __name__, url_prefix="/api")

# Built once (the sync is the busiest request; schemas keep no state between uses).
_SYNC_REQUEST, _SYNC_RESPONSE = SyncRequestSchema(), SyncResponseSchema()


@bp.post("/sync")
@declare("Send a batch of concern changes", body=_SYNC_REQUEST, answers=SyncResponseSchema,
         errors=[403], device_key=True, items_checked_apart="changes")
def sync():
    user = capabilities.require(capabilities.WRITE_CONCERNS)
    body = api.body()
    # One transaction for the batch (sync.py): one bad item never holds back the rest. The
    # answer is written before the commit, from the rows as stored, so that nothing is read
    # back after it; no answer leaves unless the commit succeeded.
    answer = {"results": apply_batch(user, body["changes"])}
    events.sync_answering.send(user, answer=answer)  # e.g. `alerting` after an urgent concern
    response = _SYNC_RESPONSE.dump(answer)
    db.session.commit()
    return response


PAGE = 500


@bp.get("/concerns")
@declare("Concerns changed since a cursor (to a carer or worker, as AuthorConcernSchema)",
         query=ConcernListArgsSchema, answers=ConcernListSchema, device_key=True)
def list_concerns():
    user = require_user()
    args = api.query()
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
    author = reads_as_author(user)
    if "status" in args:
        query = query.where(Concern.status.in_(_stored_statuses(args["status"], author)))
    concerns = db.session.scalars(query.order_by(Concern.updated_at.desc())).unique().all()
    # Which concerns were disclosed, not only how many: the trail must answer "who saw this one".
    record("list", "concern", "*", user=user, detail={"since": args["since"], "count": len(concerns),
                                                      "ids": [c.id for c in concerns]})
    db.session.commit()
    if not author:
        # A restricted concern not opened shows as the queue shows it: urgency and times.
        opened = opened_by(user, [c.id for c in concerns if c.restricted])
        concerns = [c if may_read(user, c, opened) else desk_queue.restricted_row(c) for c in concerns]
    listing = {"concerns": concerns, "cursor": cursor, "more": more and cursor > args["since"]}
    return (_AUTHOR_LIST if author else ConcernListSchema()).dump(listing)


class AuthorConcernListSchema(ConcernListSchema):
    concerns = fields.List(fields.Nested(AuthorConcernSchema), dump_only=True)


_AUTHOR_LIST = AuthorConcernListSchema()


def _stored_statuses(status: str, author: bool) -> tuple[str, ...]:
    # An author filters by the status they see: an assigned concern reads "acknowledged".
    if not author:
        return (status,)
    return {Status.ACKNOWLEDGED.value: (Status.ACKNOWLEDGED.value, Status.IN_PROGRESS.value),
            Status.IN_PROGRESS.value: ()}.get(status, (status,))


@bp.get("/concerns/<concern_id>")
@declare("One concern (to its author, as AuthorConcernSchema: what they sent and its progress)",
         answers=ConcernSchema, errors=[403, 404], device_key=True)
def get_concern(concern_id: str):
    user = require_user()
    concern = get_readable(user, concern_id)
    record("read", "concern", concern.id, user=user)
    db.session.commit()
    return (AuthorConcernSchema() if reads_as_author(user) else ConcernSchema()).dump(concern)


@bp.get("/concerns/<concern_id>/history")
@declare("Every revision of a concern (to its author: their own, and progress)",
         answers=HistorySchema, errors=[403, 404], device_key=True)
def concern_history(concern_id: str):
    user = require_user()
    concern = get_readable(user, concern_id)
    revisions = db.session.scalars(select(ConcernRevision).filter_by(concern_id=concern.id)
                                   .options(selectinload(ConcernRevision.author))
                                   .order_by(ConcernRevision.id)).all()
    record("read_history", "concern", concern.id, user=user)
    db.session.commit()
    if reads_as_author(user):
        return AuthorHistorySchema().dump({"revisions": author_revisions(user, revisions)})
    return HistorySchema().dump({"revisions": revisions})


@bp.post("/concerns/<concern_id>/acknowledge")
@declare("Acknowledge (duty manager)",
         body=AcknowledgeSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True)
def acknowledge(concern_id: str):
    user, concern = managed(concern_id)
    body = api.body()
    return answered(lifecycle.acknowledge(user, concern, body.get("note", "")))


@bp.get("/concerns/<concern_id>/assignees")
@declare("Who may take the concern on (duty manager)",
         answers=AssigneesSchema, errors=[403, 404], device_key=True)
def assignees(concern_id: str):
    user, concern = managed(concern_id)
    return AssigneesSchema().dump({"people": lifecycle.assignees(concern)})


@bp.post("/concerns/<concern_id>/assign")
@declare("Assign or hand over (duty manager)",
         body=AssignSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True)
def assign(concern_id: str):
    user, concern = managed(concern_id)
    body = api.body()
    return answered(lifecycle.assign(user, concern, body["user"]))


@bp.patch("/concerns/<concern_id>/actions/<action>")
@declare("A recommended action done or not needed (duty manager)",
         body=ActionUpdateSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True,
         path={"action": {"description": "The recommended action's id, as in tracked_actions."}})
def update_action(concern_id: str, action: str):
    user, concern = managed(concern_id)
    body = api.body()
    lifecycle.update_action(user, concern, action, body["state"], body["note"], body["reference"])
    return answered(concern)


@bp.post("/concerns/<concern_id>/decision")
@declare("Record the decision note (duty manager)",
         body=DecisionSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True)
def decide(concern_id: str):
    # The decision note, kept from before the lifecycle; `close` goes through close() and
    # its checks, with the decision as the outcome.
    user, concern = managed(concern_id)
    body = api.body()
    concern = lifecycle.decide(user, concern, body["decision"])
    if body["close"]:
        concern = lifecycle.close(user, concern, body["decision"])
    return answered(concern)


@bp.post("/concerns/<concern_id>/close")
@declare("Close with an outcome (duty manager)",
         body=CloseSchema, answers=ConcernSchema, errors=[403, 404, 409], device_key=True)
def close(concern_id: str):
    user, concern = managed(concern_id)
    body = api.body()
    return answered(lifecycle.close(user, concern, body["outcome"]))


@bp.post("/concerns/<concern_id>/pack-prints")
@declare("Record a print of the meeting pack, before it prints",
         body=PrintRequestSchema, answers=PrintRecordSchema, errors=[403, 404], device_key=True)
def record_print(concern_id: str):
    """Called by the pack page before its Print button opens the print dialog, and when the
    browser's own Print starts: every print is on record, with how it was made."""
    user = capabilities.require(capabilities.READ_QUEUE)
    concern = get_readable(user, concern_id)
    via = api.body()["via"]
    printed_at = utcnow()
    record("print_pack", "concern", concern.id, user=user,
           detail={"case_reference": concern.case_reference, "via": via})
    db.session.commit()
    return PrintRecordSchema().dump({"printed_by": user, "printed_at": printed_at, "via": via})


@bp.get("/queue")
@declare("Open concerns, most urgent and newest first (managers, admins)",
         query=QueueArgsSchema, answers=QueueSchema, errors=[403], device_key=True)
def queue():
    user = capabilities.require(capabilities.READ_QUEUE)
    args = api.query()
    result = desk_queue.page(user, args)
    record("list_queue", "concern", "*", user=user,
           detail={"count": len(result["concerns"]), **{k: v for k, v in args.items() if k != "after"}})
    db.session.commit()
    return QueueSchema().dump(result)


@bp.get("/cases/<path:case_reference>/chronology")
@declare("Everything that happened about one case reference",
         answers=ChronologySchema, errors=[403, 404], device_key=True)
def case_chronology(case_reference: str):
    user = capabilities.require(capabilities.READ_QUEUE)
    result = chronology.build(user, case_reference)
    if not result["concerns"]:
        raise ApiError(404, "No concern you may see has that case reference.")
    record("read_chronology", "case", case_reference[:64], user=user,
           detail={"concerns": [c["id"] for c in result["concerns"]]})
    db.session.commit()
    return ChronologySchema().dump(result)
