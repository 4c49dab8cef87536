"""Request and response bodies of the single sign-on mapping API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..accounts.models import Role
from ..accounts.schemas import TeamSchema
from ..fields import StrictBool

ROLES = [r.value for r in Role]
MAX_ID = 2**31 - 1  # ids are 32-bit in PostgreSQL; a larger one names nothing


class SsoMappingSchema(Schema):
    id = fields.Int(dump_only=True)
    claim = fields.Str(required=True, validate=validate.OneOf(["role", "team"]), metadata={
        "description": "Which claim the value is read from: the role claim or the team claim."})
    value = fields.Str(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The claim value exactly as the provider sends it (e.g. an app role or a group id)."})
    role = fields.Str(allow_none=True, load_default=None, validate=validate.OneOf(ROLES), metadata={
        "description": "For a role claim value: the SafeVisit role it grants."})
    team_id = fields.Int(allow_none=True, load_default=None, load_only=True, strict=True,
                         validate=validate.Range(min=1, max=MAX_ID), metadata={
        "description": "For a team claim value: the SafeVisit team it puts the person in."})
    team = fields.Nested(TeamSchema, dump_only=True, allow_none=True)

    @validates_schema
    def _one_target(self, data, **kwargs):
        if data["claim"] == "role" and (data.get("role") is None or data.get("team_id") is not None):
            raise ValidationError("A role claim value maps to a role, and only a role.", "role")
        if data["claim"] == "team" and (data.get("team_id") is None or data.get("role") is not None):
            raise ValidationError("A team claim value maps to a team, and only a team.", "team_id")


class SsoMappingListSchema(Schema):
    configured = StrictBool(dump_only=True, metadata={"description": "Whether single sign-on is switched on."})
    issuer = fields.Str(dump_only=True, allow_none=True)
    role_claim = fields.Str(dump_only=True, allow_none=True)
    team_claim = fields.Str(dump_only=True, allow_none=True)
    roles = fields.List(fields.Str(), dump_only=True)
    teams = fields.List(fields.Nested(TeamSchema), dump_only=True)
    mappings = fields.List(fields.Nested(SsoMappingSchema), dump_only=True)


class StartSchema(Schema):
    authorization_url = fields.Str(dump_only=True, metadata={
        "description": "The provider's sign-in page, for this browser to go to next."})
