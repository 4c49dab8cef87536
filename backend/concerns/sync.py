"""Applying a batch of device changes: each exactly once, never silently overwriting.

The batch is one transaction and commits once. A process that dies before that commit
stores nothing of the batch; the device resends it with the same change ids.

Inside it, every change is decided first and the rows written together (new concerns, their
actions and the revisions each in one INSERT; edits of existing concerns in one flush). Only
when another request clashed with that write (stored one of these change ids or edited one of
these concerns first) is the transaction undone and each change applied again in a savepoint
of its own, at the rows as they are now: a clash then undoes that change alone and the others
are kept. A rejected change writes nothing either way.

Results: applied (stored, new version), duplicate (this change_id was stored before:
the same answer again, nothing stored twice), conflict (the device edited an old
version: its copy is kept in the history and the server copy returned), rejected
(field errors; nothing stored).
"""
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.models import User
from ..audit.log import record_all
from ..extensions import db
from ..procedures.answers import answer_errors
from . import events
from .models import Concern, ConcernRevision
from .schemas import ChangeSchema
from .status import Status
from .sync_batch import Batch, answer, load, rejected, stored, write
from .sync_changes import addendum, conflict, create, update

ATTEMPTS = 3
_CHANGE = ChangeSchema()  # marshmallow schemas keep no state between loads; built once, not per batch


def apply_batch(user: User, raws: list) -> list[dict]:
    """Apply every change of a batch in the caller's transaction, which must hold no writes of
    its own (on a clash it is rolled back whole, see below); the caller commits."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("apply_batch needs a transaction with nothing written in it yet")
    loaded = [load(_CHANGE, raw) for raw in raws]
    changes = [change for change, _ in loaded if change is not None]
    batch = Batch(user)
    if changes:
        batch.concerns, batch.revisions = _read_ahead(changes)
    try:
        results = [rejected if change is None else _apply(batch, change, fresh=False)
                   for change, rejected in loaded]
        write(batch)
    except (IntegrityError, StaleDataError):
        # Another request stored one of these changes or edited one of these concerns first.
        # The transaction holds nothing but this batch, so it is undone whole: no savepoint
        # around every batch for the rare clash (that cost two statements a sync).
        db.session.rollback()
        batch = Batch(user)
        batch.concerns, batch.revisions = _read_ahead(changes)
        results = [rejected if change is None else _apply_one(batch, change) for change, rejected in loaded]
    if batch.urgent:
        events.urgent_concerns_submitted.send(None, concerns=batch.urgent)
    record_all(batch.audit)
    return results


_LOCK_IDS = (select(Concern.id).where(Concern.id.in_(bindparam("ids", expanding=True)))
             .order_by(Concern.id).with_for_update())


def _read_ahead(changes: list[dict]) -> tuple[dict[str, Concern], dict[str, ConcernRevision]]:
    """The concerns the batch touches, locked, and the revisions its change ids already name."""
    # Locked in id order, so that two batches touching the same concerns cannot deadlock;
    # once a concern is visible, so is every revision committed with it.
    # The concern's own row only: the people and actions it refers to are not what a change
    # needs (a conflict's answer loads them when it is written), and joining five tables for a
    # batch of new concerns, which finds no row at all, was a tenth of a sync.
    # The ids are locked and read first, as plain rows: a batch of new concerns finds none and
    # builds no objects (the ORM query cost a millisecond for nothing).
    ids = {c["id"] for c in changes}
    existing = db.session.scalars(_LOCK_IDS, {"ids": list(ids)}).all()
    concerns = {c.id: c for c in db.session.scalars(
        select(Concern).options(lazyload("*")).where(Concern.id.in_(existing))
        .order_by(Concern.id).with_for_update(of=Concern).execution_options(populate_existing=True))
    } if existing else {}
    # A change already stored names a concern that exists. A change id reused for a concern not
    # stored yet is left to the unique index: the write clashes, and the per-change path looks
    # it up. So a batch of new concerns, the usual one, costs no second statement.
    known = {c["change_id"] for c in changes if c["id"] in concerns}
    revisions = {r.change_id: r for r in db.session.scalars(
        select(ConcernRevision).where(ConcernRevision.change_id.in_(known)))} if known else {}
    return concerns, revisions


def _apply_one(batch: Batch, change: dict) -> dict:
    """One change in a savepoint of its own."""
    fresh = False
    for attempt in range(ATTEMPTS):
        savepoint = db.session.begin_nested()
        kept = len(batch.audit), len(batch.urgent), set(batch.created)
        try:
            result = _apply(batch, change, fresh)
            if result["result"] == "rejected":
                savepoint.rollback()
            else:
                write(batch)  # a clash with another request shows here
                savepoint.commit()
            return result
        except (IntegrityError, StaleDataError):
            # Undo this change alone.
            savepoint.rollback()
            del batch.audit[kept[0]:], batch.urgent[kept[1]:]
            batch.unwritten.clear()
            batch.unwritten_concerns.clear()
            for undone in batch.created - kept[2]:  # its row is gone with the savepoint
                batch.created.discard(undone)
                batch.concerns.pop(undone, None)
            fresh = True  # look again, at the rows as they are now
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _lookup(batch: Batch, change: dict, fresh: bool) -> tuple[Concern | None, ConcernRevision | None]:
    if not fresh:
        return batch.concerns.get(change["id"]), batch.revisions.get(change["change_id"])
    concern = db.session.get(Concern, change["id"], populate_existing=True,
                             with_for_update={"of": Concern})
    prior = db.session.scalar(select(ConcernRevision).filter_by(change_id=change["change_id"]))
    return concern, prior


def _apply(batch: Batch, change: dict, fresh: bool) -> dict:
    # The concern row is locked: concurrent edits of one concern queue here (PostgreSQL;
    # SQLite's BEGIN IMMEDIATE already serialises writers).
    user = batch.user
    concern, prior = _lookup(batch, change, fresh)
    if prior is not None:
        return _replay(batch, change, prior)
    if concern is not None and concern.author_id != user.id:
        return rejected(change, {"id": ["No such concern."]})
    document = batch.document(change["procedure"], change["procedure_version"])
    if document is None:
        return rejected(change, {"procedure_version": ["This procedure version is not known here."]})
    if concern is not None and (concern.procedure, concern.procedure_version) != (
            change["procedure"], change["procedure_version"]):
        return rejected(change, {"procedure_version": [
            f"This concern was started under version {concern.procedure_version} and keeps it."]})

    errors = answer_errors(document, change["answers"], complete=change["status"] == Status.SUBMITTED)
    answered_reference = change["answers"].get("case_reference")
    if answered_reference is not None and answered_reference != change["case_reference"]:
        errors["answers.case_reference"] = ["Must be the same as case_reference."]
    if errors:
        return rejected(change, errors)

    if concern is None:
        if change["base_version"] != 0:
            return rejected(change, {"base_version": ["The server has no such concern; a new one starts at 0."]})
        return create(batch, change, document)
    concern = stored(batch, concern)
    if concern.status != Status.DRAFT:
        return addendum(batch, change, concern)
    if change["base_version"] != concern.version:
        return conflict(batch, change, concern)
    return update(batch, change, concern, document)


def _replay(batch: Batch, change: dict, prior: ConcernRevision) -> dict:
    if prior.concern_id != change["id"] or prior.author_id != batch.user.id:
        return rejected(change, {"change_id": ["Already used for another change."]})
    concern = stored(batch, batch.concerns[prior.concern_id]) if prior.concern_id in batch.created \
        else db.session.get(Concern, prior.concern_id, populate_existing=True)
    if prior.kind == "conflict":
        return answer("conflict", change, concern, concern.version)
    return answer("duplicate", change, concern, prior.version)
