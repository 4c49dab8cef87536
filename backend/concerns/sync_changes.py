"""What one change of a sync batch does to its concern: create it, edit the draft, keep a
conflicting copy, or add an addendum to a submitted one; each also decides its revision and
audit row, which the batch writes together (sync_batch.py).
"""
from types import SimpleNamespace

from ..accounts.capabilities import audience_of
from ..accounts.models import User
from ..audit.log import row
from ..clock import utcnow
from ..extensions import db
from ..procedures import rules
from ..urgency import ALERTING
from . import lifecycle, restriction
from .models import Concern
from .status import Status
from .sync_batch import Batch, answer, rejected


def _apply_fields(concern: Concern, change: dict, document: dict) -> None:
    # What was left unanswered matters only at submission (submitted_without).
    # The author's own checklist decides (a carer's or a professional's): as their phone worked it out.
    evaluation = rules.evaluate(document, change["answers"], with_needs=change["status"] == Status.SUBMITTED,
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
    if change["status"] == Status.SUBMITTED:
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
    # Inserted with the batch's others (write), not as a unit-of-work object: nothing reads the
    # row back in this request but a later change of the batch with the same change id, which
    # finds it below as a duplicate.
    batch.unwritten.append(stored)
    batch.revisions[change["change_id"]] = SimpleNamespace(**stored)


def _after_store(batch: Batch, concern: Concern, change: dict, kind: str) -> None:
    batch.audit.append(row(f"sync_{kind}", "concern", concern.id, user=batch.user,
                           detail={"version": concern.version, "status": concern.status}))
    if kind == "applied" and change["status"] == Status.SUBMITTED and concern.urgency in ALERTING:
        batch.urgent.append(concern)


def create(batch: Batch, change: dict, document: dict) -> dict:
    concern = Concern(id=change["id"], procedure=change["procedure"],
                      procedure_version=change["procedure_version"], author_id=batch.user.id,
                      team_id=batch.user.team_id, status=Status.DRAFT, version=1, restricted=False)
    _apply_fields(concern, change, document)
    concern.created_at = concern.updated_at
    # Not added to the session: inserted as a row with the batch's others (write).
    batch.unwritten_concerns.append(concern)
    batch.created.add(concern.id)
    batch.concerns[concern.id] = concern
    _revision(batch, concern, change, "applied")
    _after_store(batch, concern, change, "applied")
    return answer("applied", change, concern, concern.version)


def update(batch: Batch, change: dict, concern: Concern, document: dict) -> dict:
    _apply_fields(concern, change, document)
    db.session.flush()  # bumps the version, or raises StaleDataError if someone else did
    _revision(batch, concern, change, "applied")
    _after_store(batch, concern, change, "applied")
    return answer("applied", change, concern, concern.version)


def conflict(batch: Batch, change: dict, concern: Concern) -> dict:
    # Both versions are kept: the server copy stays current, the device's copy is
    # stored in the history for the author (and a manager) to reconcile.
    _revision(batch, concern, change, "conflict")
    _after_store(batch, concern, change, "conflict")
    return answer("conflict", change, concern, concern.version)


def addendum(batch: Batch, change: dict, concern: Concern) -> dict:
    if concern.status == lifecycle.Status.CLOSED:
        return rejected(change, {"addendum" if "addendum" in change else "status": [
            "This concern has been closed; nothing more can be added to it. Raise a new concern."]})
    if "addendum" not in change:
        return rejected(change, {"status": [
            "This concern has been submitted and is frozen; send an addendum instead."]})
    concern.updated_at = utcnow()  # also bumps the version: devices see the addendum
    db.session.flush()
    _revision(batch, concern, change, "addendum")
    _after_store(batch, concern, change, "addendum")
    return answer("applied", change, concern, concern.version)
