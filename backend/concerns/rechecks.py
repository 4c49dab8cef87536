"""Re-checking open concerns when a new revision of a procedure is loaded, and listing them.

A concern keeps the revision it was started under; this only finds the open ones (submitted,
acknowledged or in progress) whose recommendations would differ under the new revision, so that the
team's duty managers can look again. Nothing about the concern itself changes.
"""
from sqlalchemy import select

from ..accounts.capabilities import audience_of, team_scope
from ..extensions import db
from ..procedures import events, rules
from ..procedures.models import ProcedureRecheck, ProcedureVersion
from .models import Concern
from .status import OPEN


def _pairs(actions: list[dict]) -> list[list[str]]:
    return [[a["action"], a["urgency"]] for a in actions]


def recheck_open_concerns(row: ProcedureVersion, document: dict, **_) -> int:
    """Record a re-check for every open concern whose recommendations change; returns how many."""
    concerns = db.session.scalars(select(Concern).where(
        Concern.procedure == row.slug, Concern.procedure_version != row.version,
        Concern.status.in_(OPEN))).all()
    flagged = 0
    for concern in concerns:
        before = _pairs(concern.actions or [])
        # Under the new revision as its author's checklist would read it (a carer's or a professional's).
        after = _pairs(rules.evaluate(document, concern.answers, audience=audience_of(concern.author))["actions"])
        if sorted(before) == sorted(after):
            continue
        db.session.add(ProcedureRecheck(
            concern_id=concern.id, team_id=concern.team_id, slug=row.slug,
            from_version=concern.procedure_version, to_version=row.version,
            before=before, after=after))
        flagged += 1
    return flagged


def for_user(user) -> list[ProcedureRecheck]:
    """Duty managers see their team's re-checks of concerns still open; admins see all."""
    query = (select(ProcedureRecheck, Concern).join(Concern, Concern.id == ProcedureRecheck.concern_id)
             .where(Concern.status.in_(OPEN)).order_by(ProcedureRecheck.id.desc()))
    scope = team_scope(user)
    if scope is not None:
        query = query.where(ProcedureRecheck.team_id == scope)
    return db.session.execute(query).all()


def connect() -> None:
    # A module-level function held strongly; connecting again (a second app) is a no-op.
    events.procedure_loaded.connect(recheck_open_concerns, weak=False)
