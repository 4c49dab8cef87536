"""The retention schedule: how long each kind of record is kept, as ISO 8601 durations.

SAFEVISIT_RETENTION overrides any of the defaults, e.g.
`closed_concerns=P25Y,drafts=P30D,audit=P7Y,push_jobs=P90D,sms_jobs=P90D,sessions=P1Y`.
The defaults are placeholders: the authority's own retention schedule (its records management
policy; the IRMS Retention Guidelines for Local Government for children's social care) decides.
"""
import datetime as dt
import re

# kind → (default duration, what the clock starts from)
DEFAULTS = {
    "closed_concerns": "P6Y",   # from closure
    "drafts": "P30D",           # drafts left on the server, from their last change
    "audit": "P6Y",             # audit entries, from when they were written
    "push_jobs": "P90D",        # push alert job rows that have finished, from their last change
    "sms_jobs": "P90D",         # SMS job rows that have finished, from their last change
    "sessions": "P90D",         # ended sessions (their device keys), from when they ended
}
KINDS = tuple(DEFAULTS)

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$")


class ScheduleError(ValueError):
    pass


def parse_duration(text: str) -> dict[str, int]:
    match = _DURATION.match(text.strip().upper())
    if not match:
        raise ScheduleError(f"{text!r} is not an ISO 8601 duration such as P6Y, P30D or PT12H")
    return {k: int(v) for k, v in match.groupdict().items() if v}


def before(now: dt.datetime, duration: dict[str, int]) -> dt.datetime:
    """`now` less the duration: years and months by the calendar (29 February → 28th), the rest exactly."""
    months = duration.get("years", 0) * 12 + duration.get("months", 0)
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    day = now.day
    while True:
        try:
            moved = now.replace(year=year, month=month, day=day)
            break
        except ValueError:
            day -= 1
    return moved - dt.timedelta(weeks=duration.get("weeks", 0), days=duration.get("days", 0),
                                hours=duration.get("hours", 0), minutes=duration.get("minutes", 0),
                                seconds=duration.get("seconds", 0))


def schedule(raw: str | None) -> dict[str, str]:
    """The defaults with SAFEVISIT_RETENTION's entries over them; refuses unknown kinds and bad durations."""
    result = dict(DEFAULTS)
    for part in filter(None, (p.strip() for p in (raw or "").split(","))):
        kind, sep, value = part.partition("=")
        kind = kind.strip()
        if not sep or kind not in DEFAULTS:
            raise ScheduleError(f"SAFEVISIT_RETENTION: {part!r} — use kind=duration with kind one of "
                                f"{', '.join(KINDS)}")
        parse_duration(value)
        result[kind] = value.strip().upper()
    return result
