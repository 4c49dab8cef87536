"""A sync batch: what its changes touch (read up front), what they decide (written together),
and the shape of each change's result. sync.py applies the batch; sync_changes.py each change.
"""
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import insert

from ..accounts.models import User
from ..errors import flatten_messages
from ..extensions import db
from ..procedures import store
from ..requests import text_errors
from .models import Concern, ConcernAction, ConcernRevision
from .schemas import ChangeSchema


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
    # New concerns, built as plain objects outside the session and inserted as rows (write):
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


def rejected(raw, errors: dict) -> dict:
    ids = raw if isinstance(raw, dict) else {}
    return {"id": _echo(ids.get("id")), "change_id": _echo(ids.get("change_id")),
            "result": "rejected", "errors": errors}


def answer(kind: str, change: dict, concern: Concern, version: int) -> dict:
    # The device has what it sent; it needs the version it now holds. Only a conflict carries
    # the server's copy, which the author reconciles with theirs (returning every
    # concern whole cost about a third of a sync, and sent answers back over the air for nothing).
    result = {"id": concern.id, "change_id": change["change_id"], "result": kind, "version": version,
              "status": concern.status, "urgency": concern.urgency}
    if kind == "conflict":
        result["concern"] = concern
    return result


def load(schema: ChangeSchema, raw) -> tuple[dict | None, dict | None]:
    """(the change, None) when it is well formed, else (None, its rejection)."""
    unstorable = text_errors(raw)  # the body check left the items of a batch to us
    if unstorable:
        return None, rejected(raw, unstorable)
    try:
        change = schema.load(raw if isinstance(raw, dict) else {})
    except ValidationError as err:
        return None, rejected(raw, flatten_messages(err.messages))
    change["id"], change["change_id"] = str(change["id"]), str(change["change_id"])
    return change, None


def write(batch: Batch) -> None:
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
    # the object when it was built (create, lifecycle.submit); the id of an action is the
    # database's.
    return {c.key: getattr(obj, c.key) for c in model.__table__.columns
            if not (model is ConcernAction and c.key == "id")}


def stored(batch: Batch, concern: Concern) -> Concern:
    """A concern this batch created as a row, as the session's own object: a later change of the
    same batch that edits it goes through the unit of work like any other edit."""
    if concern.id not in batch.created:
        return concern
    write(batch)
    batch.created.discard(concern.id)
    stored = db.session.get(Concern, concern.id, populate_existing=True, with_for_update={"of": Concern})
    batch.concerns[concern.id] = stored
    return stored
