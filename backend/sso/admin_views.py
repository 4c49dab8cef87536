"""`/api/admin/sso-mapping`: which claim values give which SafeVisit role and team (admins)."""
from flask import Blueprint, current_app
from sqlalchemy import select

from .. import api
from ..accounts.capabilities import MANAGE_SSO, require
from ..accounts.models import Team
from ..accounts.schemas import OkSchema
from ..api import declare
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db
from .models import SsoMapping
from .schemas import MAX_ID, ROLES, SsoMappingListSchema, SsoMappingSchema

bp = Blueprint("sso_admin", __name__, url_prefix="/api/admin/sso-mapping")

MAPPING_ID = {"name": "mapping_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


@bp.get("")
# Device key: who gets which role is an admin's business: a copied cookie alone reads nothing.
@declare("The single sign-on claim mapping, roles and teams (admin)",
         answers=SsoMappingListSchema, errors=[403], device_key=True)
def list_mappings():
    require(MANAGE_SSO)
    config = current_app.config
    mappings = db.session.scalars(select(SsoMapping).order_by(SsoMapping.claim, SsoMapping.value)).all()
    return SsoMappingListSchema().dump({
        "configured": bool(config.get("OIDC_ISSUER")), "issuer": config.get("OIDC_ISSUER"),
        "role_claim": config.get("OIDC_ROLE_CLAIM"), "team_claim": config.get("OIDC_TEAM_CLAIM"),
        "roles": ROLES, "teams": db.session.scalars(select(Team).order_by(Team.name)).all(),
        "mappings": mappings,
    })


@bp.post("")
@declare("Map a role or team claim value to a SafeVisit role or team (admin)",
         body=SsoMappingSchema, answers=SsoMappingSchema, errors=[403, 409], device_key=True)
def add_mapping():
    admin = require(MANAGE_SSO)
    body = api.body()
    team = None
    if body["team_id"] is not None:
        team = db.session.get(Team, body["team_id"])
        if team is None:
            raise ApiError(422, "There is no such team.", fields={"team_id": ["No such team."]})
    exists = db.session.scalar(select(SsoMapping.id).filter_by(claim=body["claim"], value=body["value"]))
    if exists is not None:
        raise ApiError(409, "That claim value is mapped already: remove it first to change it.", "mapping_exists")
    row = SsoMapping(claim=body["claim"], value=body["value"], role=body["role"], team=team)
    db.session.add(row)
    db.session.flush()
    record("sso_mapping_added", "sso_mapping", str(row.id), user=admin, detail={
        "claim": row.claim, "value": row.value, "role": row.role, "team": row.team_id})
    db.session.commit()
    return SsoMappingSchema().dump(row)


@bp.delete("/<int:mapping_id>")
@declare("Remove a claim mapping (admin)",
         answers=OkSchema, errors=[403, 404], device_key=True,
         path={"mapping_id": {"schema": {"type": "integer", "minimum": 0}}})
def remove_mapping(mapping_id: int):
    admin = require(MANAGE_SSO)
    row = db.session.get(SsoMapping, mapping_id) if mapping_id <= MAX_ID else None
    if row is None:
        raise ApiError(404, "There is no such mapping.")
    record("sso_mapping_removed", "sso_mapping", str(row.id), user=admin, detail={
        "claim": row.claim, "value": row.value, "role": row.role, "team": row.team_id})
    db.session.delete(row)
    db.session.commit()
    return OkSchema().dump({"ok": True})
