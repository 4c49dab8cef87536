"""Who is on call when, and replacing a team's rota (checked whole, stored whole)."""
import datetime as dt

from sqlalchemy import delete, select

from ..accounts import queries
from ..accounts.models import Team, User
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db
from . import times
from .models import Shift

MAX_SHIFT = dt.timedelta(days=7)


def shift_at(team_id: int, now: dt.datetime) -> Shift | None:
    """The shift in force at `now` (UTC): start <= now < end. Shifts never overlap."""
    return db.session.scalar(select(Shift).where(
        Shift.team_id == team_id, Shift.starts_at <= now, Shift.ends_at > now)
        .order_by(Shift.starts_at.desc()).limit(1))


def upcoming(team_id: int, now: dt.datetime) -> list[Shift]:
    """The shifts not yet over: the rota a manager edits (past shifts stay as the record)."""
    return list(db.session.scalars(select(Shift).where(
        Shift.team_id == team_id, Shift.ends_at > now).order_by(Shift.starts_at)))


def replace(team: Team, shifts: list[dict], user: User, now: dt.datetime) -> list[Shift]:
    """Check `shifts` (local times of the team's zone) and store them in place of every shift
    not yet over. Refuses the whole rota (422, nothing stored) with every problem found."""
    tz = times.zone(team.time_zone)
    managers = {m.id for m in queries.managers_of(team.id)}
    errors: dict[str, list[str]] = {}
    rows = []
    for index, item in enumerate(shifts):
        where = f"shifts.{index}"
        for name in ("start", "end"):
            if item[name].tzinfo is not None and not times.offset_matches(item[name], tz):
                errors[f"{where}.{name}"] = [f"That offset is not {team.time_zone}'s at that time; "
                                             "give the local time without an offset."]
        start, end = times.from_wire(item["start"], tz), times.from_wire(item["end"], tz)
        if f"{where}.start" in errors or f"{where}.end" in errors:
            rows.append((index, start, start, item))  # no span: kept out of the overlap check
        else:
            if end <= start:
                errors[f"{where}.end"] = ["Must be after the start."]
            elif end - start > MAX_SHIFT:
                errors[f"{where}.end"] = ["A shift lasts at most 7 days."]
            elif end <= now:
                errors[f"{where}.end"] = ["This shift is already over."]
            rows.append((index, start, end, item))
        if item["primary"] not in managers:
            errors[f"{where}.primary"] = ["Must be an active duty manager of this team."]
        secondary = item.get("secondary")
        if secondary is not None and secondary not in managers:
            errors[f"{where}.secondary"] = ["Must be an active duty manager of this team."]
        elif secondary is not None and secondary == item["primary"]:
            errors[f"{where}.secondary"] = ["Must be someone other than the primary."]
    # No two primaries at once: the shifts, and the finished ones kept before them, never overlap.
    kept = db.session.scalars(select(Shift).where(Shift.team_id == team.id, Shift.ends_at <= now)
                              .order_by(Shift.ends_at.desc()).limit(1)).all()
    timeline = sorted([(s.starts_at, s.ends_at, None) for s in kept]
                      + [(start, end, index) for index, start, end, _ in rows if end > start],
                      key=lambda span: (span[0], span[1]))
    for (_, end_a, index_a), (start_b, _, index_b) in zip(timeline, timeline[1:]):
        if start_b < end_a:
            index = index_b if index_b is not None else index_a
            other = (f"shift {index_a + 1}" if index_a is not None and index_a != index
                     else "a finished shift")
            errors.setdefault(f"shifts.{index}.start", []).append(
                f"Overlaps {other}: only one primary can be on call at a time.")
    if errors:
        raise ApiError(422, "The rota has problems; nothing was changed.", fields=errors)
    db.session.execute(delete(Shift).where(Shift.team_id == team.id, Shift.ends_at > now))
    stored = [Shift(team_id=team.id, starts_at=start, ends_at=end, primary_id=item["primary"],
                    secondary_id=item.get("secondary"), created_at=now)
              for _, start, end, item in sorted(rows, key=lambda r: r[1])]
    db.session.add_all(stored)
    db.session.flush()
    record("rota_update", "team", str(team.id), user=user,
           detail={"shifts": len(stored), "time_zone": team.time_zone})
    return stored
