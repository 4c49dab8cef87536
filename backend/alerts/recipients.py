"""Who an alert goes to: the rota's primary (and secondary), managers on duty, each escalation step.

The rota (backend/rota/) says who is on call when; this module decides what that means for an
alert, with the manual on-duty switch as an override that adds, never removes.
"""
import datetime as dt

from sqlalchemy import bindparam, select, true

from ..accounts import queries
from ..accounts.models import User
from ..clock import utcnow
from ..extensions import db
from ..rota.models import Shift

_IN_FORCE = (select(Shift.primary_id, Shift.secondary_id).where(
    Shift.team_id == bindparam("team"), Shift.starts_at <= bindparam("now"), Shift.ends_at > bindparam("now"))
    .order_by(Shift.starts_at.desc()).limit(1).subquery())
# Built once: building the statement cost a third of running it, on the path of every
# urgent concern a sync batch submits.
_MANAGERS_AND_SHIFT = (select(User, _IN_FORCE.c.primary_id, _IN_FORCE.c.secondary_id)
                       .outerjoin(_IN_FORCE, true()).where(User.team_id == bindparam("team"),
                                                           *queries.ACTIVE_MANAGERS)
                       .order_by(User.display_name, User.id))


def managers_and_shift(team_id: int, now: dt.datetime) -> tuple[list[User], int | None, int | None]:
    """The team's active managers and the primary's and secondary's ids in the shift at `now`,
    read in one statement: an urgent concern asks both at once. No managers, no shift read."""
    rows = db.session.execute(_MANAGERS_AND_SHIFT, {"team": team_id, "now": now}).unique().all()
    if not rows:
        return [], None, None
    return [row[0] for row in rows], rows[0][1], rows[0][2]


def on_call(team_id: int, now: dt.datetime | None = None) -> tuple[User | None, User | None, list[User]]:
    """(rota primary, rota secondary, managers on duty by their own switch) at `now`."""
    primary, secondary, on_duty, _ = _on_call(team_id, now or utcnow())
    return primary, secondary, on_duty


def _on_call(team_id: int, now: dt.datetime) -> tuple[User | None, User | None, list[User], list[User]]:
    managers, primary_id, secondary_id = managers_and_shift(team_id, now)
    by_id = {m.id: m for m in managers}
    return by_id.get(primary_id), by_id.get(secondary_id), [m for m in managers if m.on_duty], managers


def duty_managers(team_id: int, now: dt.datetime | None = None) -> list[User]:
    """The managers an alert for this team goes to now: the rota's primary at `now` and anyone
    on duty by the manual switch. When the rota has nobody at `now` and nobody switched on
    duty, every active manager of the team: an urgent alert is never addressed to nobody."""
    primary, _, on_duty, managers = _on_call(team_id, now or utcnow())
    chosen = ([primary] if primary else []) + [m for m in on_duty if m is not primary]
    return chosen or managers


def step_recipients(team_id: int, step: str, now: dt.datetime | None = None) -> list[User]:
    """Who one step of the escalation chain (chain.py) goes to."""
    if step == "secondary":
        _, secondary, _ = on_call(team_id, now)
        return [secondary] if secondary else []
    if step == "team":
        return queries.managers_of(team_id)
    return queries.admins()
