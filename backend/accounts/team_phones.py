"""`flask teams set-phones|set-office-hours NAME`: the numbers a team's phones show, and when."""
import re

import click
from flask import Blueprint
from sqlalchemy import select

from ..extensions import db
from ..fields import SPACE, SPACE_CHARS
from . import office_hours
from .models import Team

bp = Blueprint("teams_cli", __name__, cli_group="teams")

# A UK number as people write it: digits, spaces, an optional leading +, brackets, hyphens.
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,24}[0-9]$")
# The same as typed (any spaces, blank to clear), with at least three digits, as one regex
# without lookaheads so that the OpenAPI document can state it: the middle's first digit comes
# after i of the other characters, for each i the 4-24 characters allow.
_MIDDLE = "|".join(f"[(){SPACE_CHARS}-]{{{i}}}[0-9][0-9(){SPACE_CHARS}-]{{{max(0, 3 - i)},{23 - i}}}"
                   for i in range(24))
TYPED_PHONE = f"^{SPACE}*(?:\\+?[0-9](?:{_MIDDLE})[0-9])?{SPACE}*$"


def check_phone(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    if not re.fullmatch(TYPED_PHONE, value):
        raise ValueError(f"{' '.join(value.split())!r} is not a phone number (digits, spaces, + ( ) - only)")
    return " ".join(value.split())


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).filter_by(name=name))
    if team is None:
        raise ValueError(f"no team {name!r}")
    return team


def set_phones(name: str, duty: str | None, out_of_hours: str | None, office_hours: str | None) -> Team:
    team = _team(name)
    if duty is not None:
        team.duty_phone = check_phone(duty)
    if out_of_hours is not None:
        team.out_of_hours_phone = check_phone(out_of_hours)
    if office_hours is not None:
        team.office_hours = " ".join(office_hours.split())[:80] or None
    return team


def _committed(change, *args) -> Team:
    """Run a command's change and commit it; a value it refuses is the command's error."""
    try:
        row = change(*args)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    db.session.commit()
    return row


@bp.cli.command("set-phones")
@click.argument("team")
@click.option("--duty", help="Duty desk number, in office hours. An empty string clears it.")
@click.option("--out-of-hours", help="Emergency Duty Team number. An empty string clears it.")
@click.option("--office-hours", help='When the duty desk answers, e.g. "Monday to Friday, 9am to 5pm".')
def set_phones_command(team, duty, out_of_hours, office_hours):
    """Set the numbers a team's phones show (and keep offline) when a child is in danger."""
    row = _committed(set_phones, team, duty, out_of_hours, office_hours)
    click.echo(f"team {row.name}: duty desk {row.duty_phone or '(none)'}, "
               f"out of hours {row.out_of_hours_phone or '(none)'}, office hours {row.office_hours or '(none)'}")


def set_office_hours(name: str, days: str | None, opens: str | None, closes: str | None,
                     time_zone: str | None, clear: bool = False) -> Team:
    """Structured hours: all three of days, opens and closes together (checked as one), or clear."""
    team = _team(name)
    if time_zone is not None:
        team.time_zone = office_hours.check_time_zone(time_zone)
    if clear:
        team.office_days = team.office_opens = team.office_closes = None
    elif (days, opens, closes) != (None, None, None):
        if None in (days, opens, closes):
            raise ValueError("give --days, --opens and --closes together")
        team.office_days, team.office_opens, team.office_closes = office_hours.check_hours(days, opens, closes)
        # The free text the phone showed before follows the structured hours.
        team.office_hours = office_hours.describe(team.office_days, team.office_opens, team.office_closes)
    return team


@bp.cli.command("set-office-hours")
@click.argument("team")
@click.option("--days", help='The days the duty desk answers, e.g. "mon-fri" or "mon,wed,fri".')
@click.option("--opens", help="When it opens, HH:MM (24-hour) in the team's time zone.")
@click.option("--closes", help="When it closes, HH:MM, later the same day.")
@click.option("--time-zone", help="An IANA time zone; Europe/London unless set.")
@click.option("--clear", is_flag=True, help="No office hours: the phone shows both numbers.")
def set_office_hours_command(team, days, opens, closes, time_zone, clear):
    """Set when the duty desk answers; outside these hours phones offer the out-of-hours number."""
    row = _committed(set_office_hours, team, days, opens, closes, time_zone, clear)
    hours = (office_hours.describe(row.office_days, row.office_opens, row.office_closes)
             if row.office_days else "(none)")
    click.echo(f"team {row.name}: office hours {hours}, time zone {row.time_zone}")
