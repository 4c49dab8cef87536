"""Escalation: an urgent concern nobody acknowledges goes along a chain, one step at a time.

The chain (chain.py) is secondary → every manager of the team → the admins, each
step due a configured number of minutes after submission. Each step taken is a row of
push_escalation_steps (unique per concern and step, so two workers never take it twice) and
an audit event; an acknowledgement stops every step not yet taken (the concern is no longer
"submitted") and cancels messages of steps taken but not yet sent (triggers.on_acknowledged).
"""
import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..accounts import queries
from ..audit.log import record
from ..concerns.lifecycle import UNACKNOWLEDGED
from ..concerns.models import Concern
from ..extensions import db
from ..urgency import ALERTING
from .chain import Step
from .channels import sms, webpush
from .models import AlertJob, Escalation
from .recipients import step_recipients


def overdue(now: dt.datetime, step: Step) -> list[str]:
    """Ids of urgent concerns still unacknowledged `step.minutes` after submission, without that step."""
    cutoff = now - dt.timedelta(minutes=step.minutes)
    return list(db.session.scalars(select(Concern.id).where(
        Concern.status == UNACKNOWLEDGED, Concern.urgency.in_(ALERTING),
        Concern.submitted_at <= cutoff,
        ~exists().where(Escalation.concern_id == Concern.id, Escalation.step == step.step))
        .order_by(Concern.submitted_at)))


def escalate_due(now: dt.datetime, chain: tuple[Step, ...]) -> list[tuple[str, str]]:
    """Take every step due at `now`, in chain order, each in its own transaction; returns
    (concern id, step) for each step taken."""
    done = []
    for index, step in enumerate(chain):
        candidates = overdue(now, step)
        db.session.rollback()  # end the read: each step below is its own transaction
        for concern_id in candidates:
            if _take(concern_id, step, first=index == 0, now=now):
                done.append((concern_id, step.step))
    return done


def _take(concern_id: str, step: Step, first: bool, now: dt.datetime) -> bool:
    # Locked (PostgreSQL) so an acknowledgement either lands first, and we see it,
    # or waits for us and then cancels the escalation jobs we queued.
    concern = db.session.get(Concern, concern_id, populate_existing=True,
                             with_for_update={"of": Concern})
    if concern is None or concern.status != UNACKNOWLEDGED:
        db.session.rollback()
        return False
    recipients = step_recipients(concern.team_id, step.step, now)
    try:
        row = Escalation(concern_id=concern.id, step=step.step, escalated_at=now,
                         recipients=len(recipients))
        db.session.add(row)
        db.session.flush()  # the unique (concern, step): a second worker stops here
        row.jobs = len(webpush.enqueue([concern], recipients, "escalation", now))
        texted = list(recipients) if step.sms else []
        if first:
            # Not acknowledged within the first step: whoever the alert went to gets a text too.
            alerted = db.session.scalars(select(AlertJob.user_id).where(
                AlertJob.concern_id == concern.id, AlertJob.kind == "alert").distinct())
            texted += [user for user in queries.active(set(alerted)) if user not in texted]
        row.sms = sms.enqueue(concern, texted, f"escalation_{step.step}", now)
        record("escalate", "concern", concern.id,
               detail={"step": step.step, "recipients": len(recipients), "jobs": row.jobs,
                       "sms": row.sms, "after_minutes": step.minutes})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # taken by another worker meanwhile: recorded once
        return False
    return True

