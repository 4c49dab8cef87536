"""The manager's queue: open concerns, most urgent and newest first, a page at a time.

Keyset pagination on (urgency rank, submitted_at, id): a page never repeats or skips a
concern however many revisions, alerts or new concerns arrive between pages, and its
cost does not grow with the team's history (unlike the device sync feed, which pages
through revisions oldest first).
"""
import base64
import binascii
import datetime as dt
import json

from sqlalchemy import and_, case, func, or_, select

from ..accounts.capabilities import team_scope
from ..accounts.models import Team, User
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from ..urgency import RANK as URGENCY_RANK
from .access import visible_to
from .lifecycle import OPEN, ActionState, Status
from .models import Concern, ConcernAction
from .restriction import may_read, opened_by, restricted_item

RANK = case({level.value: rank for level, rank in URGENCY_RANK.items()},
            value=Concern.urgency, else_=-1)
EPOCH = dt.datetime(1970, 1, 1)
SUBMITTED = func.coalesce(Concern.submitted_at, EPOCH)


def _encode(rank: int, submitted_at: dt.datetime, concern_id: str) -> str:
    raw = json.dumps([rank, submitted_at.isoformat(), concern_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, submitted_at, concern_id = json.loads(raw)
        if not isinstance(rank, int) or not isinstance(concern_id, str):
            raise ValueError
        return rank, dt.datetime.fromisoformat(submitted_at), concern_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(422, "That page marker is not one this server gave.",
                       fields={"after": ["Not a valid page marker."]}) from None


def _overdue(now: dt.datetime):
    return select(ConcernAction.id).where(
        ConcernAction.concern_id == Concern.id, ConcernAction.state == ActionState.TO_DO.value,
        ConcernAction.due_at <= now).exists()


def _filtered(user: User, args: dict, now: dt.datetime):
    """The visible concerns under every filter but status."""
    query = visible_to(user)
    if "team" in args:
        if team_scope(user) is not None:
            raise ApiError(403, "Only administrators choose the team.")
        query = query.where(Concern.team_id == args["team"])
    if "urgency" in args:
        query = query.where(Concern.urgency == args["urgency"])
    if args.get("unacknowledged"):
        query = query.where(Concern.acknowledged_at.is_(None))
    elif args.get("unacknowledged") is False:
        query = query.where(Concern.acknowledged_at.is_not(None))
    if args.get("overdue"):
        query = query.where(_overdue(now))
    elif args.get("overdue") is False:
        query = query.where(~_overdue(now))
    if "assigned_to" in args:
        query = query.where(Concern.assigned_to_id == args["assigned_to"])
    return query


def counts(user: User, args: dict, now: dt.datetime) -> dict[str, int]:
    filtered = _filtered(user, args, now).subquery()
    rows = db.session.execute(select(filtered.c.status, func.count())
                              .group_by(filtered.c.status)).all()
    found = dict(rows)
    return {s.value: found.get(s.value, 0) for s in Status if s != Status.DRAFT}


def page(user: User, args: dict) -> dict:
    now = utcnow()
    query = _filtered(user, args, now)
    statuses = [args["status"]] if "status" in args else list(OPEN)
    query = query.where(Concern.status.in_(statuses))
    if "after" in args:
        rank, submitted_at, concern_id = _decode(args["after"])
        query = query.where(or_(RANK < rank, and_(RANK == rank, or_(
            SUBMITTED < submitted_at, and_(SUBMITTED == submitted_at, Concern.id < concern_id)))))
    limit = args["limit"]
    rows = db.session.scalars(query.order_by(RANK.desc(), SUBMITTED.desc(), Concern.id.desc())
                              .limit(limit + 1)).unique().all()
    more, rows = len(rows) > limit, rows[:limit]
    opened = opened_by(user, [c.id for c in rows if c.restricted])
    items = [_item(concern, now) if may_read(user, concern, opened)
             else restricted_item(concern, _item(concern, now)) for concern in rows]
    last = rows[-1] if rows else None
    cursor = _encode(_rank(last.urgency), last.submitted_at or EPOCH, last.id) if more else None
    # The teams the `team` filter may name: every team for an admin, none for anyone else.
    teams = db.session.scalars(select(Team).order_by(Team.name)).all() if team_scope(user) is None else []
    return {"concerns": items, "next": cursor, "counts": counts(user, args, now), "teams": teams}


def _rank(urgency: str | None) -> int:
    return URGENCY_RANK.get(urgency or "", -1)


def _item(concern: Concern, now: dt.datetime) -> dict:
    to_do = [a for a in concern.tracked_actions if a.state == ActionState.TO_DO.value]
    return {"id": concern.id, "case_reference": concern.case_reference, "status": concern.status,
            "urgency": concern.urgency, "author": concern.author, "team": concern.team,
            "submitted_at": concern.submitted_at, "acknowledged_at": concern.acknowledged_at,
            "assigned_to": concern.assigned_to, "actions_to_do": len(to_do),
            "actions_overdue": sum(1 for a in to_do if a.due_at <= now),
            "next_due_at": min((a.due_at for a in to_do), default=None),
            "phoned": bool(concern.duty_call)}


def item(concern: Concern) -> dict:
    return _item(concern, utcnow())


def restricted_row(concern: Concern) -> dict:
    """A restricted concern not opened, as any list shows it."""
    return restricted_item(concern, item(concern))
