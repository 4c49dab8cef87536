"""Who is alerted, and writing their alert jobs inside the transaction that stores the concern."""
import datetime as dt
import logging

from sqlalchemy import or_, select, update

from ..accounts.models import Role, User
from ..concerns import events
from ..concerns.models import Concern
from ..extensions import db
from ..procedures.models import utcnow
from . import wakeup
from .models import AlertJob, PushSubscription

log = logging.getLogger(__name__)


def duty_managers(team_id: int) -> list[User]:
    """The team's on-duty managers; every manager of the team when none is on duty."""
    managers = db.session.scalars(select(User).where(
        User.team_id == team_id, User.role == Role.DUTY_MANAGER.value, User.active)).all()
    on_duty = [m for m in managers if m.on_duty]
    return on_duty or list(managers)


def escalation_recipients(team_id: int) -> list[User]:
    """Every manager of the team, on duty or not, and every admin."""
    return list(db.session.scalars(select(User).where(User.active, or_(
        (User.team_id == team_id) & (User.role == Role.DUTY_MANAGER.value),
        User.role == Role.ADMIN.value))).all())


def enqueue(concern: Concern, users: list[User], kind: str, now: dt.datetime | None = None) -> int:
    """Add one pending job per subscription of each user; returns how many. Does not commit."""
    now = now or utcnow()
    ids = [u.id for u in users]
    subscriptions = db.session.scalars(select(PushSubscription).where(
        PushSubscription.user_id.in_(ids)).order_by(PushSubscription.id)).all() if ids else []
    for subscription in subscriptions:
        db.session.add(AlertJob(concern_id=concern.id, subscription_id=subscription.id,
                                user_id=subscription.user_id, kind=kind, status="pending",
                                next_attempt_at=now, created_at=now, updated_at=now))
    if subscriptions:
        wakeup.announce()
    else:
        # Nobody can be reached by push: say so loudly; escalation will still follow.
        log.warning("urgent concern %s: no push subscription among %d recipient(s)",
                    concern.id, len(ids))
    # No audit row here: the jobs are the record (GET /api/push/jobs); escalations are audited.
    return len(subscriptions)


def on_urgent_submitted(concern: Concern, **_) -> None:
    # Runs inside the sync transaction: the jobs commit with the concern, or not at all.
    enqueue(concern, duty_managers(concern.team_id), "alert")


def on_acknowledged(concern: Concern, **_) -> None:
    # Someone has it: escalation messages not yet sent are no longer needed.
    db.session.execute(update(AlertJob).where(
        AlertJob.concern_id == concern.id, AlertJob.kind == "escalation",
        AlertJob.status == "pending").values(status="cancelled", updated_at=utcnow(),
                                             last_error="concern acknowledged"))


def connect() -> None:
    # Module-level functions held strongly; connecting again (a second app) is a no-op.
    events.urgent_concern_submitted.connect(on_urgent_submitted, weak=False)
    events.concern_acknowledged.connect(on_acknowledged, weak=False)
