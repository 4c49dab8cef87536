"""Writing a team's rota in tests: times as a manager types them, local to Europe/London."""
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.accounts.models import Team, User
from backend.extensions import db

LONDON = ZoneInfo("Europe/London")


def local(utc: dt.datetime) -> str:
    """A naive UTC time as the London wall clock reads it, to the minute ("2027-03-28T03:00")."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def ids(app, *usernames) -> list[int]:
    with app.app_context():
        return [db.session.scalar(select(User.id).filter_by(username=name)) for name in usernames]


def team_id(app, name="North") -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).filter_by(name=name))


def shift(start: str, end: str, primary: int, secondary: int | None = None) -> dict:
    return {"start": start, "end": end, "primary": primary, "secondary": secondary}


def put_rota(api, team: int, *shifts: dict):
    return api.client.put(f"/api/teams/{team}/rota", json={"shifts": list(shifts)},
                          headers={"X-CSRFToken": api.csrf, "X-SafeVisit-Device": api.device_key})
