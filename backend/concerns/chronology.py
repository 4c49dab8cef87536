"""A case's chronology: what happened to every concern about one case reference, in time order.

Built from the records themselves — revisions (submission, addenda, each lifecycle step),
the worker's "I have phoned" record, the push queue (alerts sent) and escalations — and only for concerns the reader may see.
Draft saves and kept conflicts are the author's working copies, not events of the case.
"""
import datetime as dt

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from . import events
from .access import visible_to
from .models import Concern, ConcernRevision
from .queue import item
from .restriction import may_read, opened_by, refusal
from .status import Status

# revision kind → chronology kind
KINDS = {"addendum": "addendum", "acknowledgement": Status.ACKNOWLEDGED, "assignment": "assigned",
         "action": "action", "decision": "decision", "closure": Status.CLOSED}
DETAIL = {"addendum": ("addendum",), "acknowledgement": ("note",),
          "assignment": ("to", "to_name", "from"),
          "action": ("action", "title", "state", "from", "note", "reference"),
          "decision": ("decision",), "closure": ("outcome",)}


def _revision_entry(revision: ConcernRevision, people: dict) -> dict | None:
    body = revision.body or {}
    if revision.kind == "applied":
        if body.get("status") != Status.SUBMITTED:
            return None  # a draft save
        kind, detail = Status.SUBMITTED, {}
    elif revision.kind == "status":
        # Written by the code before the lifecycle module: an acknowledgement or a decision.
        kind = "decision" if "decision" in body else Status.ACKNOWLEDGED
        detail = {k: body[k] for k in ("decision", "note") if k in body}
    elif revision.kind in KINDS:
        kind = KINDS[revision.kind]
        detail = {k: body.get(k) for k in DETAIL[revision.kind]}
    else:
        return None
    return {"at": revision.created_at, "concern_id": revision.concern_id, "kind": kind,
            "who": people.get(revision.author_id), "detail": detail, "order": (0, revision.id)}


def _call_entry(concern: Concern) -> dict:
    # When the worker says they phoned (their phone's clock, checked on arrival), by the author.
    call = concern.duty_call
    at = dt.datetime.fromisoformat(call["phoned_at"].replace("Z", "+00:00"))
    return {"at": at.astimezone(dt.timezone.utc).replace(tzinfo=None), "concern_id": concern.id,
            "kind": "phoned", "who": concern.author,
            "detail": {k: call.get(k) for k in ("desk", "number", "spoke_to")}, "order": (0, 0)}


def build(user: User, case_reference: str) -> dict:
    concerns = db.session.scalars(visible_to(user).where(
        Concern.case_reference == case_reference)
        .order_by(Concern.submitted_at, Concern.id)).unique().all()
    # A case with a restricted concern not opened gives nothing away: open that one first.
    opened = opened_by(user, [c.id for c in concerns if c.restricted])
    closed_to_reader = [c for c in concerns if not may_read(user, c, opened)]
    if closed_to_reader:
        raise refusal(closed_to_reader[0].id)
    ids = [c.id for c in concerns]
    entries = []
    if ids:
        revisions = db.session.scalars(select(ConcernRevision).where(
            ConcernRevision.concern_id.in_(ids)).order_by(ConcernRevision.id)).all()
        people = {u.id: u for u in db.session.scalars(select(User).where(
            User.id.in_({r.author_id for r in revisions}))).unique()}
        entries += filter(None, (_revision_entry(r, people) for r in revisions))
        for concern in concerns:
            if concern.duty_call:
                entries.append(_call_entry(concern))
        # What other features recorded about them (the alerts sent, escalation steps taken).
        for _, found in events.chronology_wanted.send(None, concern_ids=ids):
            entries += found
    # Time order; within one instant, revisions in the order they were written.
    entries.sort(key=lambda e: (e["at"], e["order"]))
    return {"case_reference": case_reference, "concerns": [item(c) for c in concerns],
            "entries": entries}
