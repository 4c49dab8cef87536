"""`/api/admin`: people, teams and the audit log, for admins only (MANAGE_PEOPLE).

The whole blueprint needs the device key (backend/accounts/device_lock.py): it names people
and the audit log says who read which concern. Anyone without the capability gets 403 and
nothing is read or changed.
"""
import datetime as dt

from flask import Blueprint, Response, request

from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..audit.log import record
from ..extensions import db
from ..requests import json_body
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
def list_people():
    admin = _admin()
    args = PersonListArgsSchema().load(request.args.to_dict())
    found = people.listed(args)
    record("list", "user", "*", user=admin, detail={"count": len(found)})
    db.session.commit()
    return PersonListSchema().dump({"people": found})


@bp.post("/people")
def create_person():
    admin = _admin()
    body = json_body(PersonCreateSchema())
    person, code, expires_at = people.create(body, admin)
    db.session.commit()
    return _code_answer(person, code, expires_at)


@bp.get("/people/<int:person_id>")
def get_person(person_id):
    admin = _admin()
    person = people.person(person_id)
    record("read", "user", str(person.id), user=admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.patch("/people/<int:person_id>")
def update_person(person_id):
    admin = _admin()
    body = json_body(PersonUpdateSchema())
    person = people.update(people.person(person_id), body, admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.post("/people/<int:person_id>/deactivate")
def deactivate_person(person_id):
    admin = _admin()
    person = people.deactivate(people.person(person_id), admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.post("/people/<int:person_id>/reactivate")
def reactivate_person(person_id):
    admin = _admin()
    person = people.reactivate(people.person(person_id), admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.post("/people/<int:person_id>/end-sessions")
def end_sessions(person_id):
    admin = _admin()
    person = people.end_sessions(people.person(person_id), admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.post("/people/<int:person_id>/setup-code")
def issue_setup_code(person_id):
    admin = _admin()
    person = people.person(person_id)
    code, expires_at = people.new_setup_code(person, admin)
    db.session.commit()
    return _code_answer(person, code, expires_at)


@bp.post("/people/<int:person_id>/second-factor/reset")
def reset_second_factor(person_id):
    admin = _admin()
    person = people.reset_second_factor(people.person(person_id), admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


@bp.post("/people/<int:person_id>/unlink-organisation")
def unlink_from_provider(person_id):
    admin = _admin()
    person = people.unlink_from_provider(people.person(person_id), admin)
    db.session.commit()
    return AdminPersonSchema().dump(person)


# --- teams -----------------------------------------------------------------------------------

@bp.get("/teams")
def list_teams():
    _admin()
    return AdminTeamListSchema().dump({"teams": teams.listed()})


@bp.post("/teams")
def create_team():
    admin = _admin()
    body = json_body(TeamCreateSchema())
    team = teams.create(body, admin)
    db.session.commit()
    return AdminTeamSchema().dump(team)


@bp.get("/teams/<int:team_id>")
def get_team(team_id):
    _admin()
    return AdminTeamSchema().dump(teams.one(team_id))


@bp.patch("/teams/<int:team_id>")
def update_team(team_id):
    admin = _admin()
    body = json_body(TeamUpdateSchema())
    team = teams.update(team_id, body, admin)
    db.session.commit()
    return AdminTeamSchema().dump(team)


# --- the audit log ---------------------------------------------------------------------------

def _filters(args: dict) -> dict:
    """The search as recorded in the audit log itself (dates as text)."""
    return {k.rstrip("_"): (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in args.items() if k in ("person", "concern", "from_", "to")}


@bp.get("/audit")
def search_audit():
    admin = _admin()
    args = AuditArgsSchema().load(request.args.to_dict())
    found = audit_search.page(args)
    # Reading the log is itself a read of personal data: who looked, for what, and how much.
    record("search", "audit", "*", user=admin, detail={**_filters(args), "count": len(found["events"])})
    db.session.commit()
    return AdminAuditPageSchema().dump(found)


@bp.get("/audit.csv")
def export_audit():
    admin = _admin()
    args = AuditArgsSchema().load(request.args.to_dict())
    text, count = audit_search.export(args)
    record("export", "audit", "*", user=admin, detail={**_filters(args), "count": count})
    db.session.commit()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M")
    return Response(text, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="safevisit-audit-{stamp}.csv"',
        "Cache-Control": "no-store"})
