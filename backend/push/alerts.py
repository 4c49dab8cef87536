"""Who is alerted, and writing their alert jobs inside the transaction that stores the concern."""
import datetime as dt
import logging

from sqlalchemy import select, update

from ..accounts.models import Role, User
from ..alerts.states import JobStatus
from ..clock import utcnow
from ..concerns import events
from ..concerns.models import Concern
from ..extensions import db
from ..rota import service as rota
from ..sms import queue as sms
from . import wakeup
from .models import AlertJob, PushSubscription

log = logging.getLogger(__name__)


def on_call(team_id: int, now: dt.datetime | None = None) -> tuple[User | None, User | None, list[User]]:
    """(rota primary, rota secondary, managers on duty by their own switch) at `now`."""
    primary, secondary, on_duty, _ = _on_call(team_id, now or utcnow())
    return primary, secondary, on_duty


def _on_call(team_id: int, now: dt.datetime) -> tuple[User | None, User | None, list[User], list[User]]:
    # ... and every active manager of the team, read with the shift in one statement.
    managers, primary_id, secondary_id = rota.managers_and_shift(team_id, now)
    by_id = {m.id: m for m in managers}
    primary = by_id.get(primary_id)
    secondary = by_id.get(secondary_id)
    return primary, secondary, [m for m in managers if m.on_duty], managers


def duty_managers(team_id: int, now: dt.datetime | None = None) -> list[User]:
    """The managers an alert for this team goes to now: the rota's primary at `now` and anyone
    on duty by the manual switch (an override that adds, never removes). When the rota has
    nobody at `now` and nobody switched on duty, every active manager of the team, as before
    the rota existed: an urgent alert is never addressed to nobody."""
    primary, _, on_duty, managers = _on_call(team_id, now or utcnow())
    chosen = ([primary] if primary else []) + [m for m in on_duty if m is not primary]
    return chosen or managers


def step_recipients(team_id: int, step: str, now: dt.datetime | None = None) -> list[User]:
    """Who one step of the escalation chain (escalation_chain.py) goes to."""
    if step == "secondary":
        _, secondary, _ = on_call(team_id, now)
        return [secondary] if secondary else []
    if step == "team":
        return rota.managers_of(team_id)
    return list(db.session.scalars(select(User).where(
        User.active, User.role == Role.ADMIN.value).order_by(User.id)).unique())


def enqueue(concern: Concern, users: list[User], kind: str, now: dt.datetime | None = None) -> int:
    """Add one pending job per subscription of each user; returns how many. Does not commit."""
    return len(_enqueue([concern], users, kind, now or utcnow()))


def _enqueue(concerns: list[Concern], users: list[User], kind: str, now: dt.datetime) -> list[PushSubscription]:
    """The jobs of several concerns for the same recipients; returns the subscriptions used."""
    ids = [u.id for u in users]
    subscriptions = db.session.scalars(select(PushSubscription).where(
        PushSubscription.user_id.in_(ids)).order_by(PushSubscription.id)).all() if ids else []
    for concern in concerns:
        for subscription in subscriptions:
            db.session.add(AlertJob(concern_id=concern.id, subscription_id=subscription.id,
                                    user_id=subscription.user_id, kind=kind, status=JobStatus.PENDING,
                                    next_attempt_at=now, created_at=now, updated_at=now))
        if not subscriptions:
            # Nobody can be reached by push: say so loudly; escalation will still follow.
            log.warning("urgent concern %s: no push subscription among %d recipient(s)",
                        concern.id, len(ids))
    if subscriptions:
        wakeup.announce()
    # No audit row here: the jobs are the record (GET /api/push/jobs); escalations are audited.
    return subscriptions


def on_urgent_submitted(_sender, concerns: list[Concern], **_) -> None:
    # Runs inside the sync transaction: the jobs commit with the concerns, or not at all.
    # Who is on call is looked up once per team for the batch, at the moment its first urgent
    # concern reached the server (its changes are applied within the same request).
    groups: dict[int, list[Concern]] = {}
    for concern in concerns:
        groups.setdefault(concern.team_id, []).append(concern)
    for team_id, group in groups.items():
        now = min(concern.submitted_at or utcnow() for concern in group)
        managers = duty_managers(team_id, now)
        subscribed = {s.user_id for s in _enqueue(group, managers, "alert", now)}
        # A manager with no browser subscribed cannot get the push at all: text them at once.
        unreachable = [m for m in managers if m.id not in subscribed]
        for concern in group:
            sms.enqueue(concern, unreachable, "no_push", now)


def on_acknowledged(concern: Concern, **_) -> None:
    # Someone has it: escalation messages not yet sent are no longer needed.
    db.session.execute(update(AlertJob).where(
        AlertJob.concern_id == concern.id, AlertJob.kind == "escalation",
        AlertJob.status == JobStatus.PENDING).values(status=JobStatus.CANCELLED, updated_at=utcnow(),
                                             last_error="concern acknowledged"))
    sms.cancel(concern.id)


def connect() -> None:
    # Module-level functions held strongly; connecting again (a second app) is a no-op.
    events.urgent_concerns_submitted.connect(on_urgent_submitted, weak=False)
    events.concern_acknowledged.connect(on_acknowledged, weak=False)
