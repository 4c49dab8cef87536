"""Re-checking open concerns when a new revision of a procedure is loaded.

A concern keeps the revision it was started under; this only finds the open ones (submitted,
acknowledged or in progress) whose recommendations would differ under the new revision, so that the
team's duty managers can look again. Nothing about the concern itself changes.
"""
from sqlalchemy import select

from ..concerns.lifecycle import OPEN
from ..accounts.capabilities import audience_of
from ..extensions import db
from . import rules
from .models import ProcedureRecheck, ProcedureVersion


def _pairs(actions: list[dict]) -> list[list[str]]:
    return [[a["action"], a["urgency"]] for a in actions]


def recheck_open_concerns(row: ProcedureVersion, document: dict) -> int:
    """Record a re-check for every open concern whose recommendations change; returns how many."""
    from ..concerns.models import Concern  # concerns depend on procedures, not the reverse

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
    from ..concerns.models import Concern

    query = (select(ProcedureRecheck, Concern).join(Concern, Concern.id == ProcedureRecheck.concern_id)
             .where(Concern.status.in_(OPEN)).order_by(ProcedureRecheck.id.desc()))
    if not user.is_admin:
        query = query.where(ProcedureRecheck.team_id == user.team_id)
    return db.session.execute(query).all()
