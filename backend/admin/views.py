"""`/api/admin`: people, teams and the audit log, for admins only (MANAGE_PEOPLE).

The whole blueprint needs the device key (backend/accounts/device_lock.py): it names people
and the audit log says who read which concern. Anyone without the capability gets 403 and
nothing is read or changed.
"""
import datetime as dt

from flask import Blueprint, Response

from .. import api
from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..api import Csv, declare
from ..audit.log import record
from ..extensions import db
from . import audit_search, people, teams
from .schemas import (AdminAuditPageSchema, AuditArgsSchema, PersonCreateSchema, PersonListArgsSchema,
                      PersonListSchema, AdminPersonSchema, PersonUpdateSchema, SetupCodeSchema, TeamCreateSchema,
                      AdminTeamListSchema, AdminTeamSchema, TeamUpdateSchema)

bp = Blueprint("admin", __name__, url_prefix="/api/admin")


def _admin():
    return require(MANAGE_PEOPLE)


def _code_answer(person, code, expires_at):
    return SetupCodeSchema().dump({"code": code, "expires_at": expires_at, "person": person})


# --- people ----------------------------------------------------------------------------------

@bp.get("/people")
@declare("People (admin)",
         query=PersonListArgsSchema, answers=PersonListSchema, errors=[403], device_key=True)
def list_people():
    admin = _admin()
    found = people.listed(api.query())
    record("list", "user", "*", user=admin, detail={"count": len(found)})
    db.session.commit()
    return PersonListSchema().dump({"people": found})


@bp.post("/people")
@declare("Create a local account; its setup code, shown once (admin)",
         body=PersonCreateSchema, answers=SetupCodeSchema, errors=[403, 404, 409], device_key=True)
def create_person():
    admin = _admin()
    person, code, expires_at = people.create(api.body(), admin)
    db.session.commit()
    return _code_answer(person, code, expires_at)


@bp.get("/people/<int:person_id>")
@declare("One person (admin)", answers=AdminPersonSchema, errors=[403, 404], device_key=True)
def get_person(person_id):
    admin = _admin()
    person = people.person(person_id)
    record("read", "user", str(person.id), user=admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.patch("/people/<int:person_id>")
@declare("Change name, role or team (admin)",
         body=PersonUpdateSchema, answers=AdminPersonSchema, errors=[403, 404, 409],
         device_key=True)
def update_person(person_id):
    admin = _admin()
    person = people.update(people.person(person_id), api.body(), admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


# The steps an admin takes on one account: each a POST that changes it (people.py checks and
# audits it) and answers with the person as they now stand.
PERSON_STEPS = (
    ("deactivate", "deactivate_person", people.deactivate,
     "Deactivate: sessions end, device keys go, the phone wipes (admin)"),
    ("reactivate", "reactivate_person", people.reactivate,
     "Reactivate: they can sign in again; what the deactivation ended stays ended (admin)"),
    ("end-sessions", "end_sessions", people.end_sessions, "End every session of a person (admin)"),
    ("second-factor/reset", "reset_second_factor", people.reset_second_factor,
     "Remove a lost authenticator (admin)"),
    ("unlink-organisation", "unlink_from_provider", people.unlink_from_provider,
     "Unlink from the organisation's sign-in, to give a local account (admin)"),
)


def _person_step(step):
    def view(person_id):
        admin = _admin()
        person = step(people.person(person_id), admin)
        db.session.commit()
        return AdminPersonSchema().dump(person)
    return view


for _path, _endpoint, _step, _summary in PERSON_STEPS:
    bp.add_url_rule(f"/people/<int:person_id>/{_path}", _endpoint, methods=["POST"], view_func=declare(
        _summary, answers=AdminPersonSchema, errors=[403, 404, 409, 413, 415, 422], device_key=True,
    )(_person_step(_step)))


@bp.post("/people/<int:person_id>/setup-code")
@declare("A new setup code, shown once (admin)",
         answers=SetupCodeSchema, errors=[403, 404, 409, 413, 415, 422], device_key=True)
def issue_setup_code(person_id):
    admin = _admin()
    person = people.person(person_id)
    code, expires_at = people.new_setup_code(person, admin)
    db.session.commit()
    return _code_answer(person, code, expires_at)


# --- teams -----------------------------------------------------------------------------------

@bp.get("/teams")
@declare("Teams (admin)", answers=AdminTeamListSchema, errors=[403], device_key=True)
def list_teams():
    _admin()
    return AdminTeamListSchema().dump({"teams": teams.listed()})


@bp.post("/teams")
@declare("Create a team (admin)",
         body=TeamCreateSchema, answers=AdminTeamSchema, errors=[403, 404, 409], device_key=True)
def create_team():
    admin = _admin()
    body = api.body()
    team = teams.create(body, admin)
    db.session.commit()
    return AdminTeamSchema().dump(team)


@bp.get("/teams/<int:team_id>")
@declare("One team (admin)", answers=AdminTeamSchema, errors=[403, 404], device_key=True)
def get_team(team_id):
    _admin()
    return AdminTeamSchema().dump(teams.one(team_id))


@bp.patch("/teams/<int:team_id>")
@declare("Rename; duty desk and out-of-hours numbers (admin)",
         body=TeamUpdateSchema, answers=AdminTeamSchema, errors=[403, 404, 409], device_key=True)
def update_team(team_id):
    admin = _admin()
    body = api.body()
    team = teams.update(team_id, body, admin)
    db.session.commit()
    return AdminTeamSchema().dump(team)


# --- the audit log ---------------------------------------------------------------------------

def _filters(args: dict) -> dict:
    """The search as recorded in the audit log itself (dates as text)."""
    return {k.rstrip("_"): (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in args.items() if k in ("person", "concern", "from_", "to")}


def _searched(action: str, search, count):
    """The console's search of the audit log, itself recorded in it: reading the log is a read
    of personal data (who looked, for what, and how much)."""
    admin = _admin()
    args = api.query()
    found = search(args)
    record(action, "audit", "*", user=admin, detail={**_filters(args), "count": count(found)})
    db.session.commit()
    return found


@bp.get("/audit")
@declare("The audit log by person, concern and date (admin; audited)",
         query=AuditArgsSchema, answers=AdminAuditPageSchema, errors=[403], device_key=True)
def search_audit():
    found = _searched("search", audit_search.page, lambda page: len(page["events"]))
    return AdminAuditPageSchema().dump(found)


@bp.get("/audit.csv")
@declare("The same as CSV, formulas neutralised (admin; audited)",
         query=AuditArgsSchema, answers=Csv, errors=[403], device_key=True)
def export_audit():
    text, _ = _searched("export", audit_search.export, lambda exported: exported[1])
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M")
    return Response(text, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="safevisit-audit-{stamp}.csv"',
        "Cache-Control": "no-store"})
