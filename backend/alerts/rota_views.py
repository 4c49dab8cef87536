"""`GET/PUT /api/teams/<id>/rota`: a team's on-call rota (backend/rota/), who an alert goes to
now and the escalation chain it follows: the rota as the alerts read it."""
from flask import Blueprint, current_app

from .. import api
from ..accounts import queries
from ..accounts.capabilities import MANAGE_ROTA, in_scope, require
from ..accounts.models import Team, User
from ..api import declare
from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from ..rota import service, times
from ..rota.schemas import RotaInSchema, RotaSchema
from . import chain, recipients
from ..sms import notify

bp = Blueprint("rota", __name__, url_prefix="/api/teams")


def _team(team_id: int) -> tuple[User, Team]:
    user = require(MANAGE_ROTA)
    team = db.session.get(Team, team_id)  # ids past a row id never get here (requests.RowIdConverter)
    # A manager of another team gets what a missing team gets: nothing to say it exists.
    if team is None or not in_scope(user, team.id):
        raise ApiError(404, "No such team.")
    return user, team


def _person(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.display_name} if user else None


def _dump(team: Team, now) -> dict:
    tz = times.zone(team.time_zone)
    managers = queries.managers_of(team.id)
    names = {m.id: m for m in managers}
    primary, secondary, on_duty = recipients.on_call(team.id, now)
    alerted = recipients.duty_managers(team.id, now)
    texts = notify.enabled(current_app.config)
    shifts = [{"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at,
               "start": times.to_local(s.starts_at, tz).isoformat(timespec="minutes"),
               "end": times.to_local(s.ends_at, tz).isoformat(timespec="minutes"),
               "primary": _person(names.get(s.primary_id) or db.session.get(User, s.primary_id)),
               "secondary": _person(names.get(s.secondary_id) or (
                   db.session.get(User, s.secondary_id) if s.secondary_id else None))}
              for s in service.upcoming(team.id, now)]
    return RotaSchema().dump({
        "team": team, "shifts": shifts, "managers": [_person(m) for m in managers],
        "now": {"primary": _person(primary), "secondary": _person(secondary),
                "on_duty": [_person(m) for m in on_duty], "alerted": [_person(m) for m in alerted],
                "fallback": primary is None and not on_duty},
        # A step texts only when this server sends texts: the screen promises none otherwise.
        "sms_enabled": texts,
        "escalation": [{"step": s.step, "minutes": s.minutes, "sms": s.sms and texts}
                       for s in chain.of(current_app.config)]})


@bp.get("/<int:team_id>/rota")
@declare("The team's on-call rota and who is on call now (managers of the team, admins)",
         answers=RotaSchema, errors=[403, 404], device_key=True)  # names who is on call, and when
def get_rota(team_id: int):
    user, team = _team(team_id)
    record("read", "rota", str(team.id), user=user)
    body = _dump(team, utcnow())
    db.session.commit()
    return body


@bp.put("/<int:team_id>/rota")
@declare("Replace the shifts not yet over (local times of the team's zone)",
         body=RotaInSchema, answers=RotaSchema, errors=[403, 404], device_key=True)
def put_rota(team_id: int):
    user, team = _team(team_id)
    body = api.body()
    now = utcnow()
    # Locked (PostgreSQL) so two managers saving at once are checked one after the other.
    db.session.get(Team, team.id, with_for_update=True, populate_existing=True)
    service.replace(team, body["shifts"], user, now)
    answer = _dump(team, now)
    db.session.commit()
    return answer
