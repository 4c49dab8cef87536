"""`/api/team`: a duty manager issues setup codes to the carers and field workers of their own
team. Anyone else in the list's place — another team's carer, a manager, an
admin, a deactivated account — is 404, as if they did not exist."""
from flask import Blueprint
from sqlalchemy import select

from ..accounts import setup_codes
from ..accounts.capabilities import ISSUE_SETUP_CODES, require
from ..accounts.models import Role, User
from ..api import declare
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db

from .schemas import SetupCodeSchema, TeamPeopleSchema

bp = Blueprint("team_people", __name__, url_prefix="/api/team")

# Whom a manager may help back in: not their peers, nor admins (an admin does that).
HELPED = (Role.FOSTER_CARER.value, Role.FIELD_WORKER.value)


def _team_people(manager: User):
    return select(User).where(User.team_id == manager.team_id, User.role.in_(HELPED), User.active.is_(True))


@bp.get("/people")
@declare("Carers and field workers of my team (duty manager)",
         answers=TeamPeopleSchema, errors=[403], device_key=True)
def list_team_people():
    manager = require(ISSUE_SETUP_CODES)
    found = db.session.scalars(_team_people(manager).order_by(User.display_name, User.id)).all()
    record("list", "user", "team", user=manager, detail={"count": len(found)})
    db.session.commit()
    return TeamPeopleSchema().dump({"people": found})


@bp.post("/people/<int:person_id>/setup-code")
@declare("A setup code for one of them, shown once (duty manager)",
         answers=SetupCodeSchema, errors=[403, 404, 409, 413, 415, 422], device_key=True)
def issue_setup_code(person_id):
    manager = require(ISSUE_SETUP_CODES)
    person = (db.session.scalar(_team_people(manager).where(User.id == person_id))
              if 0 < person_id <= 2**31 - 1 else None)
    if person is None:
        raise ApiError(404, "No such person in your team.")
    code, expires_at = setup_codes.issue(person, manager)
    db.session.commit()
    return SetupCodeSchema().dump({"code": code, "expires_at": expires_at, "person": person})
