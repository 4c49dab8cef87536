"""Escalation: an urgent concern nobody acknowledged in time goes to every manager and the admins."""
import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..audit.log import record
from ..concerns import events
from ..concerns.models import Concern
from ..extensions import db
from .alerts import enqueue, escalation_recipients
from .models import Escalation


def overdue(now: dt.datetime, minutes: float) -> list[str]:
    """Ids of urgent concerns still unacknowledged `minutes` after submission, not yet escalated."""
    cutoff = now - dt.timedelta(minutes=minutes)
    return list(db.session.scalars(select(Concern.id).where(
        Concern.status == "submitted", Concern.urgency.in_(events.URGENT),
        Concern.submitted_at <= cutoff,
        ~exists().where(Escalation.concern_id == Concern.id)).order_by(Concern.submitted_at)))


def escalate_due(now: dt.datetime, minutes: float) -> list[str]:
    """Escalate each overdue concern in its own transaction; returns the ids escalated."""
    done = []
    candidates = overdue(now, minutes)
    db.session.rollback()  # end the read: each escalation below is its own transaction
    for concern_id in candidates:
        # Locked (PostgreSQL) so an acknowledgement either lands first, and we see it,
        # or waits for us and then cancels the escalation jobs we queued.
        concern = db.session.get(Concern, concern_id, populate_existing=True,
                                 with_for_update={"of": Concern})
        if concern is None or concern.status != "submitted":
            db.session.rollback()
            continue
        recipients = escalation_recipients(concern.team_id)
        try:
            row = Escalation(concern_id=concern.id, escalated_at=now, recipients=len(recipients))
            db.session.add(row)
            db.session.flush()  # the unique concern_id: a second worker stops here
            row.jobs = enqueue(concern, recipients, "escalation", now)
            record("escalate", "concern", concern.id,
                   detail={"recipients": len(recipients), "jobs": row.jobs,
                           "after_minutes": minutes})
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # escalated by another worker meanwhile: recorded once
            continue
        done.append(concern_id)
    return done
