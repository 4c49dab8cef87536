"""Alert channels known to work: test alerts (acknowledged in confirmations.py), and duty coverage per team."""
from sqlalchemy import select

from ..accounts import queries
from ..accounts.capabilities import team_scope
from ..accounts.models import Team, User
from ..audit.log import record
from ..clock import utcnow
from ..extensions import db
from ..push import health
from ..push.models import PushSubscription
from . import recipients, wakeup
from .models import AlertJob
from .states import WAITING, JobStatus


def queue_test(user: User) -> int:
    """One test job per subscription of `user` that has none waiting; returns how many exist
    waiting now (0: the user has no subscription). Does not commit."""
    now = utcnow()
    subscriptions = db.session.scalars(select(PushSubscription).filter_by(user_id=user.id)
                                       .order_by(PushSubscription.id)).all()
    waiting = set(db.session.scalars(select(AlertJob.subscription_id).where(
        AlertJob.user_id == user.id, AlertJob.kind == "test",
        AlertJob.status.in_(WAITING))))
    added = 0
    for subscription in subscriptions:
        if subscription.id in waiting:
            continue  # a second tap while the first is on its way sends nothing more
        db.session.add(AlertJob(concern_id=None, subscription_id=subscription.id, user_id=user.id,
                                kind="test", status=JobStatus.PENDING, next_attempt_at=now,
                                created_at=now, updated_at=now))
        added += 1
    if added:
        db.session.flush()
        wakeup.announce()
        record("push_test", "user", str(user.id), user=user, detail={"jobs": added})
    return len(subscriptions)


def coverage(user: User) -> list[dict]:
    """For the user's team (every team with managers, for admins): who an alert goes to now
    (recipients.duty_managers decides) and whether any of them has a working channel."""
    if team_scope(user) is None:
        teams = db.session.scalars(select(Team).where(Team.id.in_(queries.teams_with_managers()))
                                   .order_by(Team.name)).all()
    else:
        teams = [user.team]
    now = utcnow()
    result = []
    for team in teams:
        on_duty = recipients.duty_managers(team.id)
        working = health.working_channels([m.id for m in on_duty], now)
        reachable = sum(1 for count in working.values() if count)
        result.append({"id": team.id, "name": team.name, "on_duty": len(on_duty),
                       "reachable": reachable, "covered": reachable > 0})
    return result
