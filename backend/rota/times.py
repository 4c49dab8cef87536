"""Local wall-clock times of a team's time zone to UTC and back, daylight saving included.

The rule for the two kinds of local time that daylight saving makes awkward (PEP 495, fold=0):
- a time that does not exist (the hour skipped when the clocks go forward, e.g. 01:30 on the
  last Sunday of March in London) is read with the offset in force before the change, which
  lands it the length of the gap later: 01:30 is 02:30 BST (01:30 UTC);
- a time that happens twice (the hour repeated when the clocks go back, e.g. 01:30 on the last
  Sunday of October) is the first of the two, still on summer time: 01:30 BST (00:30 UTC).
The rota answers with each shift's local time as it is actually kept, with its offset, so a
manager sees the resolved time rather than the one typed; a time sent back with that offset
(as the PWA does for the shifts it keeps) means exactly that instant, so the second 01:30 of
an October night survives an edit of another shift. An offset that is not the zone's at that
instant is refused.
"""
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "Europe/London"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def is_zone(name: str) -> bool:
    return name in available_timezones()


def to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive local time of `tz` to naive UTC, by the rule above."""
    aware = local.replace(tzinfo=tz, fold=0)
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def offset_matches(value: dt.datetime, tz: ZoneInfo) -> bool:
    """An aware time whose offset is the one `tz` has at that instant."""
    utc = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return to_local(utc, tz).utcoffset() == value.utcoffset()


def from_wire(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Naive UTC from a time as sent: naive means local (the rule above); aware, that instant."""
    if value.tzinfo is None:
        return to_utc(value, tz)
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Naive UTC to an aware local time of `tz` (its offset says BST or GMT)."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(tz)


def nonexistent(local: dt.datetime, tz: ZoneInfo) -> bool:
    """True for a time the clocks skip: it does not come back unchanged from UTC."""
    return to_local(to_utc(local, tz), tz).replace(tzinfo=None) != local


def ambiguous(local: dt.datetime, tz: ZoneInfo) -> bool:
    """True for a time that happens twice (its two folds have different offsets)."""
    return (local.replace(tzinfo=tz, fold=0).utcoffset()
            != local.replace(tzinfo=tz, fold=1).utcoffset()) and not nonexistent(local, tz)
