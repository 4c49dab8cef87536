"""`/api/admin/people/<id>/export` and `/api/admin/cases/<case_reference>/export` (admins; audited)."""
from flask import Blueprint

from ..accounts.capabilities import MANAGE_PEOPLE, require
from ..api import declare
from ..audit.log import record
from ..extensions import db
from . import exports

bp = Blueprint("exports", __name__, url_prefix="/api/admin")


@bp.get("/people/<int:person_id>/export")
@declare("Subject access: everything held about a person (admin; audited; 403 restricted until "
         "each restricted concern they wrote is opened)", errors=[403, 404], device_key=True)
def export_person(person_id: int):
    admin = require(MANAGE_PEOPLE)
    body = exports.person(admin, person_id)
    record("export_person", "user", str(person_id), user=admin,
           detail={"concerns": [c["id"] for c in body["concerns_written"]]})
    db.session.commit()
    return body


@bp.get("/cases/<path:case_reference>/export")
@declare("Subject access: one case's concerns, chronology and decisions, with the fields that "
         "name third parties (admin; audited; respects restriction)", errors=[403, 404], device_key=True)
def export_case(case_reference: str):
    admin = require(MANAGE_PEOPLE)
    body = exports.case(admin, case_reference)
    record("export_case", "case", case_reference[:64], user=admin,
           detail={"concerns": [c["id"] for c in body["concerns"]]})
    db.session.commit()
    return body
