"""A team's office hours: when the duty desk answers, and which number to ring at a moment.

The phone makes the same choice offline (pwa/js/office-hours.js, with the Intl API): this
module validates what an admin sets and states the rule once in Python, so tests can pin it
(a daylight-saving change included). Hours are wall-clock times in the team's time zone.

The chapter's only rule here is to act at once when a child is at risk (see the
`call-duty-desk` action's paragraphs); office hours, and an Emergency Duty Team outside them,
are how English children's services are organised — practice, not the chapter.
"""
import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ..fields import SPACE

DEFAULT_TIME_ZONE = "Europe/London"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO weekday 1..7
DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def check_time_zone(name: str) -> str:
    # Exactly as listed (no spaces around it): the OpenAPI document gives the list as an enum.
    # available_timezones() rather than ZoneInfo(name) alone: ZoneInfo also opens paths
    # such as "../etc", and accepts legacy aliases the browser's Intl may not know.
    if name not in available_timezones():
        raise ValueError(f"{name!r} is not a time zone (use an IANA name such as Europe/London)")
    try:
        ZoneInfo(name)
    except ZoneInfoNotFoundError:
        raise ValueError(f"{name!r} is not a time zone on this server") from None
    return name


def _day(word: str) -> int:
    for number, (short, full) in enumerate(zip(DAY_NAMES, DAY_WORDS), start=1):
        if word in (short, full.lower()):
            return number
    raise ValueError(f"{word!r} is not a day (mon, tue, … sun, or the full name)")


def _letters(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" for c in word)


# Days as typed, any case, spaces around the commas and hyphens, blank to clear: DAYS_TYPED says
# it as one regex for the OpenAPI document (no inline flags: not every regex engine has them).
_DAY = "(?:" + "|".join(f"{_letters(short)}(?:{_letters(full.lower()[3:])})?"
                        for short, full in zip(DAY_NAMES, DAY_WORDS)) + ")"
_SPAN = f"{_DAY}(?: *- *{_DAY})?"
DAYS_TYPED = f"^{SPACE}*(?:{_SPAN}(?: *, *{_SPAN})*)?{SPACE}*$"
CLOCK_TYPED = f"^{SPACE}*(?:(?:[01]?[0-9]|2[0-3]):[0-5][0-9])?{SPACE}*$"


def parse_days(text: str) -> str:
    """"mon-fri", "mon,wed,fri", "sat-sun" → ISO weekday digits, e.g. "12345"."""
    days: set[int] = set()
    for part in re.sub(r" *([,-]) *", r"\1", text.strip().lower()).split(","):
        ends = part.split("-")
        if len(ends) > 2:
            raise ValueError(f"{part!r} is not a day or a range of days (e.g. mon-fri)")
        first, last = _day(ends[0]), _day(ends[-1])
        if last < first:
            raise ValueError(f"{part!r} runs backwards: write the days from Monday to Sunday")
        days.update(range(first, last + 1))
    return "".join(str(d) for d in sorted(days))


def check_clock(value: str) -> str:
    value = value.strip()
    if len(value) == 4 and value[1] == ":":
        value = "0" + value
    if not CLOCK.match(value):
        raise ValueError(f"{value!r} is not a time of day (HH:MM, 24-hour)")
    return value


def check_hours(days: str, opens: str, closes: str) -> tuple[str, str, str]:
    days, opens, closes = parse_days(days), check_clock(opens), check_clock(closes)
    if opens >= closes:
        # A desk open past midnight is the out-of-hours service's job, not office hours.
        raise ValueError(f"the desk must open before it closes on the same day ({opens} is not before {closes})")
    return days, opens, closes


def describe(days: str, opens: str, closes: str) -> str:
    """"Monday to Friday, 09:00 to 17:00" (what the phone shows; its own copy says the same)."""
    numbers = [int(d) for d in days]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        span = f"{DAY_WORDS[numbers[0] - 1]} to {DAY_WORDS[numbers[-1] - 1]}"
    else:
        span = ", ".join(DAY_WORDS[n - 1] for n in numbers)
    return f"{span}, {opens} to {closes}"


def is_open(days: str, opens: str, closes: str, time_zone: str, at: dt.datetime) -> bool:
    """Whether `at` (naive UTC, as the database keeps times) falls in office hours."""
    local = at.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(time_zone))
    clock = local.strftime("%H:%M")
    return str(local.isoweekday()) in days and opens <= clock < closes


def desk_for(team, at: dt.datetime) -> str | None:
    """"duty" in office hours, "out_of_hours" outside them; None when the team has no hours set."""
    if not (team.office_days and team.office_opens and team.office_closes):
        return None
    open_now = is_open(team.office_days, team.office_opens, team.office_closes,
                       team.time_zone or DEFAULT_TIME_ZONE, at)
    return "duty" if open_now else "out_of_hours"
