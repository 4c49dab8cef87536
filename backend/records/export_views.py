"""`/api/admin/people/<id>/export` and `/api/admin/cases/<case_reference>/export` (admins; audited)."""
from flask import Blueprint

from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..accounts.device_lock import personal
from ..audit.log import record
from ..extensions import db
from ..openapi import EXTRA_OPERATIONS
from . import exports

bp = Blueprint("exports", __name__, url_prefix="/api/admin")


@bp.get("/people/<int:person_id>/export")
@personal
def export_person(person_id: int):
    admin = require(MANAGE_PEOPLE)
    body = exports.person(admin, person_id)
    record("export_person", "user", str(person_id), user=admin,
           detail={"concerns": [c["id"] for c in body["concerns_written"]]})
    db.session.commit()
    return body


@bp.get("/cases/<path:case_reference>/export")
@personal
def export_case(case_reference: str):
    admin = require(MANAGE_PEOPLE)
    body = exports.case(admin, case_reference)
    record("export_case", "case", case_reference[:64], user=admin,
           detail={"concerns": [c["id"] for c in body["concerns"]]})
    db.session.commit()
    return body


_PERSON = {"name": "person_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_CASE = {"name": "case_reference", "in": "path", "required": True, "schema": {"type": "string"}}
EXTRA_OPERATIONS.extend([
    ("get", "/api/admin/people/{person_id}/export", "Subject access: everything held about a person "
     "(admin; audited; 403 restricted until each restricted concern they wrote is opened)",
     None, None, None, [_PERSON], [401, 403, 404]),
    ("get", "/api/admin/cases/{case_reference}/export", "Subject access: one case's concerns, chronology "
     "and decisions, with the fields that name third parties (admin; audited; respects restriction)",
     None, None, None, [_CASE], [401, 403, 404]),
])
