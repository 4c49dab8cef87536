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
from dataclasses import dataclass, field
from types import SimpleNamespace

from marshmallow import ValidationError
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.capabilities import audience_of
from ..accounts.models import User
from ..audit.log import record_all, row
from ..errors import flatten_messages
from ..extensions import db
from ..procedures import rules, store
from ..procedures.answers import answer_errors
from ..procedures.models import utcnow
from ..requests import text_errors
from . import events, lifecycle, restriction
from .models import Concern, ConcernAction, ConcernRevision
from .schemas import ChangeSchema

ATTEMPTS = 3
_CHANGE = ChangeSchema()  # marshmallow schemas keep no state between loads; built once, not per batch


@dataclass
class Batch:
    """What the batch's changes touch, read up front in two statements rather than two per
    change, and the audit rows of the changes kept, inserted together at the end."""
    user: User
    concerns: dict[str, Concern] = field(default_factory=dict)
    revisions: dict[str, ConcernRevision] = field(default_factory=dict)
    audit: list[dict] = field(default_factory=list)
    # Revisions decided but not yet inserted, and the concerns whose urgent submission is
    # announced once the batch is written (the alert jobs refer to the stored concern).
    unwritten: list[dict] = field(default_factory=list)
    urgent: list[Concern] = field(default_factory=list)
    # New concerns, built as plain objects outside the session and inserted as rows (_write):
    # the unit of work cost more than the statements it sent. `created` holds
    # every id so made in this batch, written or not.
    created: set[str] = field(default_factory=set)
    unwritten_concerns: list[Concern] = field(default_factory=list)
    documents: dict[tuple[str, str], dict | None] = field(default_factory=dict)

    def document(self, slug: str, number: str) -> dict | None:
        """The procedure version's document, looked up once per batch (its changes share one)."""
        if (slug, number) not in self.documents:
            self.documents[slug, number] = store.document_for(slug, number)
        return self.documents[slug, number]


def _echo(value):
    # Echo the device's ids so it can match the result, unless they are not storable text.
    return value if isinstance(value, str) and not text_errors(value) else None


def _rejected(raw, errors: dict) -> dict:
    ids = raw if isinstance(raw, dict) else {}
    return {"id": _echo(ids.get("id")), "change_id": _echo(ids.get("change_id")),
            "result": "rejected", "errors": errors}


def _result(kind: str, change: dict, concern: Concern, version: int) -> dict:
    # The device has what it sent; it needs the version it now holds. Only a conflict carries
    # the server's copy, which the author reconciles with theirs (returning every
    # concern whole cost about a third of a sync, and sent answers back over the air for nothing).
    result = {"id": concern.id, "change_id": change["change_id"], "result": kind, "version": version,
              "status": concern.status, "urgency": concern.urgency}
    if kind == "conflict":
        result["concern"] = concern
    return result


def _load(schema: ChangeSchema, raw) -> tuple[dict | None, dict | None]:
    """(the change, None) when it is well formed, else (None, its rejection)."""
    unstorable = text_errors(raw)  # the body check left the items of a batch to us
    if unstorable:
        return None, _rejected(raw, unstorable)
    try:
        change = schema.load(raw if isinstance(raw, dict) else {})
    except ValidationError as err:
        return None, _rejected(raw, flatten_messages(err.messages))
    change["id"], change["change_id"] = str(change["id"]), str(change["change_id"])
    return change, None


def apply_batch(user: User, raws: list) -> list[dict]:
    """Apply every change of a batch in the caller's transaction, which must hold no writes of
    its own (on a clash it is rolled back whole, see below); the caller commits."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("apply_batch needs a transaction with nothing written in it yet")
    loaded = [_load(_CHANGE, raw) for raw in raws]
    changes = [change for change, _ in loaded if change is not None]
    batch = Batch(user)
    if changes:
        batch.concerns, batch.revisions = _read_ahead(changes)
    try:
        results = [rejected if change is None else _apply(batch, change, fresh=False)
                   for change, rejected in loaded]
        _write(batch)
    except (IntegrityError, StaleDataError):
        # Another request stored one of these changes or edited one of these concerns first.
        # The transaction holds nothing but this batch, so it is undone whole: no savepoint
        # around every batch for the rare clash (two statements a sync).
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


def _write(batch: Batch) -> None:
    """The rows decided so far: new concerns and their recommended actions (one INSERT each),
    edits of existing concerns (a flush), then the revisions, before any alert jobs that
    refer to them."""
    if batch.unwritten_concerns:
        # The tables, not the mapped classes: the ORM's bulk INSERT leaves a None out and so
        # splits rows of different shapes (a draft, a submission) into statements of their own.
        db.session.execute(insert(Concern.__table__), [_row(Concern, c) for c in batch.unwritten_concerns])
        actions = [{**_row(ConcernAction, a), "concern_id": c.id}
                   for c in batch.unwritten_concerns for a in c.tracked_actions]
        if actions:
            db.session.execute(insert(ConcernAction.__table__), actions)
        batch.unwritten_concerns.clear()
    db.session.flush()
    if batch.unwritten:
        db.session.execute(insert(ConcernRevision), batch.unwritten)
        batch.unwritten.clear()


def _row(model, obj) -> dict:
    # Every column, the same keys for every row: one INSERT for the lot. Defaults were set on
    # the object when it was built (_create, lifecycle.submit); the id of an action is the
    # database's.
    return {c.key: getattr(obj, c.key) for c in model.__table__.columns
            if not (model is ConcernAction and c.key == "id")}


def _stored(batch: Batch, concern: Concern) -> Concern:
    """A concern this batch created as a row, as the session's own object: a later change of the
    same batch that edits it goes through the unit of work like any other edit."""
    if concern.id not in batch.created:
        return concern
    _write(batch)
    batch.created.discard(concern.id)
    stored = db.session.get(Concern, concern.id, populate_existing=True, with_for_update={"of": Concern})
    batch.concerns[concern.id] = stored
    return stored


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
                _write(batch)  # a clash with another request shows here
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
        return _rejected(change, {"id": ["No such concern."]})
    document = batch.document(change["procedure"], change["procedure_version"])
    if document is None:
        return _rejected(change, {"procedure_version": ["This procedure version is not known here."]})
    if concern is not None and (concern.procedure, concern.procedure_version) != (
            change["procedure"], change["procedure_version"]):
        return _rejected(change, {"procedure_version": [
            f"This concern was started under version {concern.procedure_version} and keeps it."]})

    errors = answer_errors(document, change["answers"], complete=change["status"] == "submitted")
    answered_reference = change["answers"].get("case_reference")
    if answered_reference is not None and answered_reference != change["case_reference"]:
        errors["answers.case_reference"] = ["Must be the same as case_reference."]
    if errors:
        return _rejected(change, errors)

    if concern is None:
        if change["base_version"] != 0:
            return _rejected(change, {"base_version": ["The server has no such concern; a new one starts at 0."]})
        return _create(batch, change, document)
    concern = _stored(batch, concern)
    if concern.status != "draft":
        return _addendum(batch, change, concern)
    if change["base_version"] != concern.version:
        return _conflict(batch, change, concern)
    return _update(batch, change, concern, document)


def _replay(batch: Batch, change: dict, prior: ConcernRevision) -> dict:
    if prior.concern_id != change["id"] or prior.author_id != batch.user.id:
        return _rejected(change, {"change_id": ["Already used for another change."]})
    concern = _stored(batch, batch.concerns[prior.concern_id]) if prior.concern_id in batch.created \
        else db.session.get(Concern, prior.concern_id, populate_existing=True)
    if prior.kind == "conflict":
        return _result("conflict", change, concern, concern.version)
    return _result("duplicate", change, concern, prior.version)


def _apply_fields(concern: Concern, change: dict, document: dict) -> None:
    # What was left unanswered matters only at submission (submitted_without).
    # The author's own checklist decides (a carer's or a professional's): as their phone worked it out.
    evaluation = rules.evaluate(document, change["answers"], with_needs=change["status"] == "submitted",
                                audience=audience_of(db.session.get(User, concern.author_id)))
    confirmed = set(change.get("submitted_without") or [])
    concern.case_reference = change["case_reference"]
    concern.answers = change["answers"]
    concern.notes = change["notes"]
    if change.get("duty_call"):
        # Once recorded, a call stays: a later draft save without it does not unsay it.
        concern.duty_call = change["duty_call"]
    concern.urgency = evaluation["urgency"]
    concern.actions = evaluation["actions"]
    # Each change its own moment, even within a batch: the queue lists concerns by when they
    # were submitted, and a batch sent after a day offline keeps the order it was queued in.
    concern.updated_at = utcnow()
    if change["status"] == "submitted":
        lifecycle.submit(concern, evaluation)
        restriction.restrict_on_submission(concern, document)
        # The decisive questions left unanswered, as the server works them out, and whether the
        # author confirmed each. Never a reason to refuse: a concern must reach the team even
        # from a device whose app predates the confirmation.
        concern.submitted_without = [
            {**{k: need[k] for k in ("question", "label", "because")}, "confirmed": need["question"] in confirmed}
            for need in evaluation["needs"]] or None


def _revision(batch: Batch, concern: Concern, change: dict, kind: str) -> None:
    if kind == "addendum":
        # Only what is added: the answers the device sent along are not the concern's
        # answers (those are frozen), and must not sit in its history as if they were.
        body = {"addendum": change["addendum"]}
    else:
        body = {k: change[k] for k in ("case_reference", "answers", "notes", "status", "submitted_without",
                                      "duty_call")
                if k in change}
    stored = {"concern_id": concern.id, "change_id": change["change_id"], "kind": kind,
              "version": concern.version, "base_version": change["base_version"], "body": body,
              "author_id": batch.user.id}
    # Inserted with the batch's others (_write), not as a unit-of-work object: nothing reads the
    # row back in this request but a later change of the batch with the same change id, which
    # finds it below as a duplicate.
    batch.unwritten.append(stored)
    batch.revisions[change["change_id"]] = SimpleNamespace(**stored)


def _after_store(batch: Batch, concern: Concern, change: dict, kind: str) -> None:
    batch.audit.append(row(f"sync_{kind}", "concern", concern.id, user=batch.user,
                           detail={"version": concern.version, "status": concern.status}))
    if kind == "applied" and change["status"] == "submitted" and concern.urgency in events.URGENT:
        batch.urgent.append(concern)


def _create(batch: Batch, change: dict, document: dict) -> dict:
    concern = Concern(id=change["id"], procedure=change["procedure"],
                      procedure_version=change["procedure_version"], author_id=batch.user.id,
                      team_id=batch.user.team_id, status="draft", version=1, restricted=False)
    _apply_fields(concern, change, document)
    concern.created_at = concern.updated_at
    # Not added to the session: inserted as a row with the batch's others (_write).
    batch.unwritten_concerns.append(concern)
    batch.created.add(concern.id)
    batch.concerns[concern.id] = concern
    _revision(batch, concern, change, "applied")
    _after_store(batch, concern, change, "applied")
    return _result("applied", change, concern, concern.version)


def _update(batch: Batch, change: dict, concern: Concern, document: dict) -> dict:
    _apply_fields(concern, change, document)
    db.session.flush()  # bumps the version, or raises StaleDataError if someone else did
    _revision(batch, concern, change, "applied")
    _after_store(batch, concern, change, "applied")
    return _result("applied", change, concern, concern.version)


def _conflict(batch: Batch, change: dict, concern: Concern) -> dict:
    # Both versions are kept: the server copy stays current, the device's copy is
    # stored in the history for the author (and a manager) to reconcile.
    _revision(batch, concern, change, "conflict")
    _after_store(batch, concern, change, "conflict")
    return _result("conflict", change, concern, concern.version)


def _addendum(batch: Batch, change: dict, concern: Concern) -> dict:
    if concern.status == lifecycle.Status.CLOSED:
        return _rejected(change, {"addendum" if "addendum" in change else "status": [
            "This concern has been closed; nothing more can be added to it. Raise a new concern."]})
    if "addendum" not in change:
        return _rejected(change, {"status": [
            "This concern has been submitted and is frozen; send an addendum instead."]})
    concern.updated_at = utcnow()  # also bumps the version: devices see the addendum
    db.session.flush()
    _revision(batch, concern, change, "addendum")
    _after_store(batch, concern, change, "addendum")
    return _result("applied", change, concern, concern.version)
