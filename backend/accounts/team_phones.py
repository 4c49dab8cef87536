"""`flask teams set-phones NAME`: the duty desk and out-of-hours numbers a team's phones show."""
import re

import click
from flask import Blueprint
from sqlalchemy import select

from ..extensions import db
from .models import Team

bp = Blueprint("teams_cli", __name__, cli_group="teams")

# A UK number as people write it: digits, spaces, an optional leading +, brackets, hyphens.
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,24}[0-9]$")


def check_phone(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    value = " ".join(value.split())
    if not PHONE.match(value) or len(re.sub(r"\D", "", value)) < 3:
        raise ValueError(f"{value!r} is not a phone number (digits, spaces, + ( ) - only)")
    return value


def set_phones(name: str, duty: str | None, out_of_hours: str | None, office_hours: str | None) -> Team:
    team = db.session.scalar(select(Team).filter_by(name=name))
    if team is None:
        raise ValueError(f"no team {name!r}")
    if duty is not None:
        team.duty_phone = check_phone(duty)
    if out_of_hours is not None:
        team.out_of_hours_phone = check_phone(out_of_hours)
    if office_hours is not None:
        team.office_hours = " ".join(office_hours.split())[:80] or None
    return team


@bp.cli.command("set-phones")
@click.argument("team")
@click.option("--duty", help="Duty desk number, in office hours. An empty string clears it.")
@click.option("--out-of-hours", help="Emergency Duty Team number. An empty string clears it.")
@click.option("--office-hours", help='When the duty desk answers, e.g. "Monday to Friday, 9am to 5pm".')
def set_phones_command(team, duty, out_of_hours, office_hours):
    """Set the numbers a team's phones show (and keep offline) when a child is in danger."""
    try:
        row = set_phones(team, duty, out_of_hours, office_hours)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"team {row.name}: duty desk {row.duty_phone or '(none)'}, "
               f"out of hours {row.out_of_hours_phone or '(none)'}, office hours {row.office_hours or '(none)'}")
