"""A concern's lifecycle, in one place: submitted → acknowledged → in_progress → closed.

Each transition is one function. It checks the step is allowed from where the concern
stands (409 otherwise: a double tap on Acknowledge gets the same answer as any other
step that no longer fits), then writes the concern, a revision (the history the
chronology reads), the audit event and the signal — all in the caller's one transaction,
which the view commits. Any step after submission counts as an acknowledgement: the
first one records it, and the signal cancels escalation messages not yet sent.
"""
import datetime as dt

from flask import current_app

from ..accounts import queries
from ..accounts.models import User
from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from . import events
from .status import OPEN, UNACKNOWLEDGED, ActionState, Status  # noqa: F401 (the names callers use)
from .models import Concern, ConcernAction, ConcernRevision


def _refuse(concern: Concern, step: str) -> ApiError:
    return ApiError(409, f"This concern is {concern.status.replace('_', ' ')}: it cannot be {step} now.",
                    "transition_not_allowed")


def _allow(concern: Concern, step: str, *allowed: Status) -> None:
    if concern.status not in {s.value for s in allowed}:
        raise _refuse(concern, step)


def _revision(user: User, concern: Concern, kind: str, body: dict) -> None:
    concern.updated_at = utcnow()
    db.session.flush()  # bumps the version (or raises StaleDataError on a concurrent step)
    db.session.add(ConcernRevision(concern_id=concern.id, change_id=None, kind=kind,
                                   version=concern.version, base_version=None,
                                   body={"status": concern.status, **body}, author_id=user.id))


def _lock(concern: Concern) -> Concern:
    # Re-read under a row lock (PostgreSQL) so two managers' steps queue instead of both
    # passing the check; SQLite's BEGIN IMMEDIATE already serialises writers.
    return db.session.get(Concern, concern.id, populate_existing=True,
                          with_for_update={"of": Concern})


# --- submission (called from sync.py when a device submits) --------------------------------

def due_at(urgency: str, submitted_at: dt.datetime) -> dt.datetime:
    hours = current_app.config["ACTION_DUE_HOURS"].get(urgency, 0)
    return submitted_at + dt.timedelta(hours=hours)


def submit(concern: Concern, evaluation: dict) -> None:
    """draft → submitted: the recommendations made now become the concern's tracked actions."""
    concern.status = Status.SUBMITTED.value
    concern.submitted_at = concern.updated_at
    if concern.tracked_actions:
        return  # written once, at the first submission; never silently replaced
    for position, action in enumerate(evaluation["actions"]):
        concern.tracked_actions.append(ConcernAction(
            action=action["action"], position=position, title=action["title"],
            urgency=action["urgency"], due_at=due_at(action["urgency"], concern.submitted_at),
            recommendation={k: v for k, v in action.items() if k not in ("action", "title", "urgency")},
            state=ActionState.TO_DO.value, note="", reference=""))


# --- the manager's steps --------------------------------------------------------------------

def acknowledge(user: User, concern: Concern, note: str = "") -> Concern:
    """submitted → acknowledged."""
    concern = _lock(concern)
    _allow(concern, Status.ACKNOWLEDGED, Status.SUBMITTED)
    _acknowledge(user, concern, note)
    return concern


def _acknowledge(user: User, concern: Concern, note: str = "") -> None:
    concern.status = Status.ACKNOWLEDGED.value
    concern.acknowledged_at = utcnow()
    concern.acknowledged_by_id = user.id
    _revision(user, concern, "acknowledgement", {"note": note})
    record("acknowledge", "concern", concern.id, user=user)
    events.concern_acknowledged.send(concern)


def _start(user: User, concern: Concern, step: str) -> None:
    """A step of the work: allowed on an open concern; acknowledges a new one first."""
    _allow(concern, step, Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
    if concern.status == Status.SUBMITTED.value:
        _acknowledge(user, concern)


def assignees(concern: Concern) -> list[User]:
    """Who may take the concern on: the active workers and managers of its team."""
    return queries.assignees(concern.team_id)


def assign(user: User, concern: Concern, assignee_id: int) -> Concern:
    """→ in_progress, held by a worker of the team; a handover keeps who held it before."""
    concern = _lock(concern)
    assignee = next((u for u in assignees(concern) if u.id == assignee_id), None)
    if assignee is None:
        raise ApiError(422, "Choose an active worker or manager of this concern's team.",
                       fields={"user": ["Not a worker of this concern's team."]})
    _allow(concern, "assigned", Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
    if concern.assigned_to_id == assignee.id:
        raise ApiError(409, f"{assignee.display_name} already has this concern.", "already_assigned")
    _start(user, concern, "assigned")
    previous = concern.assigned_to_id
    concern.assigned_to_id, concern.assigned_at = assignee.id, utcnow()
    concern.status = Status.IN_PROGRESS.value
    _revision(user, concern, "assignment", {"to": assignee.id, "to_name": assignee.display_name,
                                            "from": previous})
    record("assign", "concern", concern.id, user=user, detail={"to": assignee.id, "from": previous})
    events.concern_assigned.send(concern)
    return concern


def update_action(user: User, concern: Concern, action_id: str, state: str, note: str,
                  reference: str) -> ConcernAction:
    """One recommended action to done (reference optional) or not needed (reason required)."""
    concern = _lock(concern)
    action = next((a for a in concern.tracked_actions if a.action == action_id), None)
    if action is None:
        raise ApiError(404, "This concern has no such recommended action.")
    if state == ActionState.NOT_NEEDED.value and not note.strip():
        raise ApiError(422, "Say why this action is not needed.",
                       fields={"note": ["A reason is required when an action is not needed."]})
    _allow(concern, "worked on", Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
    if (action.state, action.note, action.reference) == (state, note, reference):
        raise ApiError(409, "This action already stands like that.", "unchanged")
    _start(user, concern, "worked on")
    previous = action.state
    action.state, action.note, action.reference = state, note, reference
    action.changed_at, action.changed_by_id = utcnow(), user.id
    concern.status = Status.IN_PROGRESS.value
    _revision(user, concern, "action", {"action": action.action, "title": action.title,
                                        "state": state, "from": previous, "note": note,
                                        "reference": reference})
    record("action_state", "concern", concern.id, user=user,
           detail={"action": action.action, "state": state, "from": previous})
    events.concern_action_updated.send(concern, action=action)
    return action


def decide(user: User, concern: Concern, decision: str) -> Concern:
    """The manager's decision note; a later note replaces it, every one stays in the history."""
    concern = _lock(concern)
    _start(user, concern, "decided")
    concern.decision = decision
    _revision(user, concern, "decision", {"decision": decision})
    record("decide", "concern", concern.id, user=user)
    return concern


def close(user: User, concern: Concern, outcome: str) -> Concern:
    """→ closed with an outcome, once every recommended action is done or marked not needed."""
    concern = _lock(concern)
    _allow(concern, Status.CLOSED, Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
    open_actions = [a.title for a in concern.tracked_actions if a.state == ActionState.TO_DO.value]
    if open_actions:
        raise ApiError(409, "Mark every recommended action done or not needed before closing: "
                       + "; ".join(open_actions) + ".", "actions_to_do")
    if concern.status == Status.SUBMITTED.value:
        _acknowledge(user, concern)
    concern.status = Status.CLOSED.value
    concern.outcome, concern.closed_at, concern.closed_by_id = outcome, utcnow(), user.id
    _revision(user, concern, "closure", {"outcome": outcome})
    record("close", "concern", concern.id, user=user)
    events.concern_closed.send(concern)
    return concern
