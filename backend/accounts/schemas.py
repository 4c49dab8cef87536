"""Request and response bodies of the auth API."""
from marshmallow import Schema, fields, validate


class TeamSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(dump_only=True)


class TeamContactSchema(TeamSchema):
    """The signed-in user's own team: with the numbers the phone keeps for immediate danger."""
    duty_phone = fields.Str(dump_only=True, allow_none=True)
    out_of_hours_phone = fields.Str(dump_only=True, allow_none=True,
                                    metadata={"description": "The Emergency Duty Team, out of office hours."})
    office_hours = fields.Str(dump_only=True, allow_none=True)


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str(dump_only=True)
    display_name = fields.Str(dump_only=True)
    role = fields.Str(dump_only=True)
    team = fields.Nested(TeamContactSchema, dump_only=True)
    on_duty = fields.Bool(dump_only=True)
    capabilities = fields.Method("_capabilities", dump_only=True, metadata={
        "description": "What this user may do (backend/accounts/capabilities.py); the PWA reads it."})

    def _capabilities(self, user) -> list[str]:
        from .capabilities import capabilities_of  # schemas stay importable without models
        return capabilities_of(user)


class LoginSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class SessionSchema(Schema):
    user = fields.Nested(UserSchema, allow_none=True, dump_only=True)
    csrf_token = fields.Str(dump_only=True)
    ended = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": "Why this request's session stopped counting: session_ended or account_deactivated."})
    organisation_sign_in = fields.Bool(dump_only=True, metadata={
        "description": "Session answer only: whether the sign-in screen offers \"Sign in with your "
                       "organisation\" (OpenID Connect, backend/sso/)."})
    device_key = fields.Str(dump_only=True, metadata={
        "description": "Login answer only: this session's device key, sent back in the X-SafeVisit-Device "
                       "header with every request about concerns, answers, the audit trail or people."})


class OkSchema(Schema):
    ok = fields.Bool(dump_only=True)
