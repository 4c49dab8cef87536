"""What sets the alerts going and what stops them: the concern signals, received here.

Receivers run inside the transaction that stores the concern's change, so the jobs they add
commit with it, or not at all.
"""
from sqlalchemy import select

from ..clock import utcnow
from ..concerns import events
from ..concerns.models import Concern
from ..extensions import db
from .channels import sms, webpush
from .models import AlertJob, Escalation
from .recipients import duty_managers
from .states import JobStatus


def on_urgent_submitted(_sender, concerns: list[Concern], **_) -> None:
    # Who is on call is looked up once per team for the batch, at the moment its first urgent
    # concern reached the server (its changes are applied within the same request).
    groups: dict[int, list[Concern]] = {}
    for concern in concerns:
        groups.setdefault(concern.team_id, []).append(concern)
    for team_id, group in groups.items():
        now = min(concern.submitted_at or utcnow() for concern in group)
        managers = duty_managers(team_id, now)
        subscribed = {s.user_id for s in webpush.enqueue(group, managers, "alert", now)}
        # A manager with no browser subscribed cannot get the push at all: text them at once.
        unreachable = [m for m in managers if m.id not in subscribed]
        for concern in group:
            sms.enqueue(concern, unreachable, "no_push", now)


def on_acknowledged(concern: Concern, **_) -> None:
    # Someone has it: escalation messages not yet sent are no longer needed.
    webpush.cancel_escalations(concern.id, utcnow())
    sms.cancel(concern.id)


def connect() -> None:
    # Module-level functions held strongly; connecting again (a second app) is a no-op.
    events.urgent_concerns_submitted.connect(on_urgent_submitted, weak=False)
    events.concern_acknowledged.connect(on_acknowledged, weak=False)
    events.chronology_wanted.connect(chronology_entries, weak=False)


def chronology_entries(_sender, concern_ids: list[str], **_) -> list[dict]:
    """The alerts sent and escalation steps taken about these concerns, for a case's chronology."""
    entries = []
    for job in db.session.scalars(select(AlertJob).where(
            AlertJob.concern_id.in_(concern_ids), AlertJob.status == JobStatus.SENT)):
        entries.append({"at": job.sent_at or job.updated_at, "concern_id": job.concern_id,
                        "kind": "alert_sent", "who": None,
                        "detail": {"alert": job.kind, "to_user": job.user_id},
                        "order": (1, job.id)})
    for escalation in db.session.scalars(select(Escalation).where(Escalation.concern_id.in_(concern_ids))):
        entries.append({"at": escalation.escalated_at, "concern_id": escalation.concern_id,
                        "kind": "escalated", "who": None,
                        "detail": {"recipients": escalation.recipients, "step": escalation.step},
                        "order": (1, escalation.id)})
    return entries
