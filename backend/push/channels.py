"""Alert channels known to work: test alerts (acknowledged in test_acks.py), and duty coverage per team."""
from sqlalchemy import select

from ..accounts.models import Role, Team, User
from ..audit.log import record
from ..extensions import db
from ..procedures.models import utcnow
from . import alerts, health, wakeup
from .models import AlertJob, PushSubscription


def queue_test(user: User) -> int:
    """One test job per subscription of `user` that has none waiting; returns how many exist
    waiting now (0: the user has no subscription). Does not commit."""
    now = utcnow()
    subscriptions = db.session.scalars(select(PushSubscription).filter_by(user_id=user.id)
                                       .order_by(PushSubscription.id)).all()
    waiting = set(db.session.scalars(select(AlertJob.subscription_id).where(
        AlertJob.user_id == user.id, AlertJob.kind == "test",
        AlertJob.status.in_(("pending", "sending")))))
    added = 0
    for subscription in subscriptions:
        if subscription.id in waiting:
            continue  # a second tap while the first is on its way sends nothing more
        db.session.add(AlertJob(concern_id=None, subscription_id=subscription.id, user_id=user.id,
                                kind="test", status="pending", next_attempt_at=now,
                                created_at=now, updated_at=now))
        added += 1
    if added:
        db.session.flush()
        wakeup.announce()
        record("push_test", "user", str(user.id), user=user, detail={"jobs": added})
    return len(subscriptions)


def coverage(user: User) -> list[dict]:
    """For the user's team (every team with managers, for admins): who an alert goes to now
    (alerts.duty_managers decides) and whether any of them has a working channel."""
    if user.is_admin:
        team_ids = db.session.scalars(select(User.team_id).where(
            User.role == Role.DUTY_MANAGER.value, User.active).distinct()).all()
        teams = db.session.scalars(select(Team).where(Team.id.in_(team_ids)).order_by(Team.name)).all()
    else:
        teams = [user.team]
    now = utcnow()
    result = []
    for team in teams:
        recipients = alerts.duty_managers(team.id)
        working = health.working_channels([m.id for m in recipients], now)
        reachable = sum(1 for count in working.values() if count)
        result.append({"id": team.id, "name": team.name, "on_duty": len(recipients),
                       "reachable": reachable, "covered": reachable > 0})
    return result
