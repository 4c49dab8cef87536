"""Restricted concerns: allegations against someone who works with or cares for children.

A concern is restricted when the adult of concern is a foster carer, a member of a carer's
household, a professional, a volunteer or in a position of trust (the chapter's ¶13 and the
Allegations Against Persons who Work with Children procedure), or when a manager marks it so.
Managers and admins who may otherwise see it get only "Restricted concern" with its urgency
and times until they record why they need it (a grant, audited); whoever it is assigned to
needs no reason. Its author reads their own concern as ever (author_view.py).
"""
from sqlalchemy import delete, select

from ..accounts.models import User
from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from ..procedures import rules
from .models import Concern, ConcernAccess

# Each revision of the encoding records the adult differently; whichever question the
# concern's revision has is read. question id → the answers that make it an allegation.
ALLEGATION_ANSWERS = {
    # 10-r3: one relationship to the child, and the adult's contact with children elsewhere.
    "adult_relationship_to_child": {"foster_carer", "carer_household", "professional", "volunteer",
                                    "position_of_trust"},
    "adult_contact_with_children": {"foster_carer", "professional", "volunteer", "position_of_trust"},
    # 10-r2: one multiple choice (it has no foster-carer answer).
    "adult_relationship": {"professional", "volunteer", "position_of_trust"},
}
ALLEGATION, MARKED = "allegation", "marked"
LABEL = "Restricted concern"
HOW_TO_OPEN = ("This concern is restricted. Open it from the queue and record why you need it "
               "(POST /api/concerns/{id}/access with a reason); the reason is kept in the audit log.")


def is_allegation(document: dict, answers: dict) -> bool:
    """Whether the answers (as shown: hidden answers never count) name such an adult."""
    shown = rules.visible_answers(document, answers)
    for question, values in ALLEGATION_ANSWERS.items():
        answer = shown.get(question)
        given = set(answer) if isinstance(answer, list) else {answer}
        if given & values:
            return True
    return False


def restrict_on_submission(concern: Concern, document: dict) -> None:
    """Called as a concern is submitted: an allegation is restricted from its first moment."""
    if not concern.restricted and is_allegation(document, concern.answers):
        concern.restricted, concern.restricted_because = True, ALLEGATION
        concern.restricted_at = concern.updated_at


def opened_by(user: User, concern_ids) -> set[str]:
    """Of these concerns, those this user has recorded a reason to open."""
    ids = list(concern_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(ConcernAccess.concern_id).where(
        ConcernAccess.user_id == user.id, ConcernAccess.concern_id.in_(ids))))


def may_read(user: User, concern: Concern, opened: set[str] | None = None) -> bool:
    if not concern.restricted or concern.author_id == user.id or concern.assigned_to_id == user.id:
        return True
    return concern.id in (opened if opened is not None else opened_by(user, [concern.id]))


def refusal(concern_id: str) -> ApiError:
    return ApiError(403, HOW_TO_OPEN.format(id=concern_id), "restricted")


def require_readable(user: User, concern: Concern) -> Concern:
    if not may_read(user, concern):
        raise refusal(concern.id)
    return concern


def grant(user: User, concern: Concern, reason: str) -> ConcernAccess:
    """This user opens this restricted concern for this reason; every grant is in the audit log."""
    if not concern.restricted:
        raise ApiError(409, "This concern is not restricted: open it as any other.", "not_restricted")
    access = db.session.scalar(select(ConcernAccess).filter_by(concern_id=concern.id, user_id=user.id))
    if access is None:
        access = ConcernAccess(concern_id=concern.id, user_id=user.id, reason=reason, granted_at=utcnow())
        db.session.add(access)
    else:
        access.reason, access.granted_at = reason, utcnow()  # the newest reason; each is audited
    record("open_restricted", "concern", concern.id, user=user, detail={"reason": reason})
    return access


def mark(user: User, concern: Concern, reason: str) -> Concern:
    if concern.restricted:
        raise ApiError(409, "This concern is already restricted.", "already_restricted")
    concern.restricted, concern.restricted_because = True, MARKED
    concern.restricted_reason, concern.restricted_at, concern.restricted_by_id = reason, utcnow(), user.id
    # The manager who marks it has it open: they keep reading it, on the record.
    db.session.add(ConcernAccess(concern_id=concern.id, user_id=user.id, reason=reason, granted_at=utcnow()))
    record("restrict", "concern", concern.id, user=user, detail={"reason": reason})
    return concern


def lift(user: User, concern: Concern, reason: str) -> Concern:
    if not concern.restricted:
        raise ApiError(409, "This concern is not restricted.", "not_restricted")
    record("lift_restriction", "concern", concern.id, user=user,
           detail={"reason": reason, "was": concern.restricted_because})
    concern.restricted, concern.restricted_because = False, None
    concern.restricted_reason, concern.restricted_at, concern.restricted_by_id = None, None, None
    # Reasons given to open it lapse with it: restricted again, it needs new ones.
    db.session.execute(delete(ConcernAccess).where(ConcernAccess.concern_id == concern.id))
    return concern


def restricted_item(concern: Concern, queue_item: dict) -> dict:
    """What the queue (and any list) shows of a restricted concern not opened: urgency and times."""
    keep = ("id", "status", "urgency", "submitted_at", "acknowledged_at", "next_due_at")
    return {**{k: queue_item[k] for k in keep if k in queue_item}, "restricted": True, "label": LABEL}
