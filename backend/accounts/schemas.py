"""Request and response bodies of the auth API."""
from marshmallow import Schema, fields, validate

from .common_passwords import not_common


class TeamSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(dump_only=True)


class PersonSchema(Schema):
    """A person as every other answer names them."""
    id = fields.Int(dump_only=True)
    username = fields.Str(dump_only=True)
    display_name = fields.Str(dump_only=True)


class TeamContactSchema(TeamSchema):
    """The signed-in user's own team: with the numbers the phone keeps for immediate danger."""
    duty_phone = fields.Str(dump_only=True, allow_none=True)
    out_of_hours_phone = fields.Str(dump_only=True, allow_none=True,
                                    metadata={"description": "The Emergency Duty Team, out of office hours."})
    office_hours = fields.Str(dump_only=True, allow_none=True)
    office_days = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": "ISO weekdays the duty desk answers, e.g. \"12345\" (Monday to Friday); null: not set."})
    office_opens = fields.Str(dump_only=True, allow_none=True, metadata={"description": "HH:MM, team's time zone."})
    office_closes = fields.Str(dump_only=True, allow_none=True, metadata={"description": "HH:MM, team's time zone."})
    time_zone = fields.Str(dump_only=True, metadata={"description": "IANA time zone of the team."})


class AccountSchema(PersonSchema):
    """A person with their role and team, as their own session and the admin console show them."""
    role = fields.Str(dump_only=True)
    team = fields.Nested(TeamSchema, dump_only=True)
    two_step = fields.Method("_two_step", dump_only=True, metadata={
        "description": "Whether this person signs in with an authenticator code (TOTP) too."})

    def _two_step(self, user) -> bool:
        from .second_factor import enrolled  # schemas stay importable without models
        return enrolled(user)


class UserSchema(AccountSchema):
    team = fields.Nested(TeamContactSchema, dump_only=True)
    on_duty = fields.Bool(dump_only=True)
    capabilities = fields.Method("_capabilities", dump_only=True, metadata={
        "description": "What this user may do (backend/accounts/capabilities.py); the PWA reads it."})

    def _capabilities(self, user) -> list[str]:
        from .capabilities import capabilities_of
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
    second_factor = fields.Str(dump_only=True, metadata={
        "description": "Login answer when the password was right but sign-in needs a second step: "
                       "`code` (type the authenticator's code, POST /api/auth/two-step/verify) or "
                       "`enrol` (set up an authenticator first). `user` is null until then."})
    recovery_codes = fields.List(fields.Str(), dump_only=True, metadata={
        "description": "Enrolment answer only: ten one-time recovery codes, shown once."})
    roles = fields.Method("_roles", dump_only=True, metadata={
        "description": "Every role and the name the screens give it ({role: name}, in the order "
                       "they list them), so the PWA keeps no table of its own."})

    def _roles(self, _answer) -> dict[str, str]:
        from .capabilities import ROLE_NAMES  # schemas stay importable without models
        return dict(ROLE_NAMES)


class CodeSchema(Schema):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "The authenticator's 6-digit code, or one of the recovery codes."})


class EnrolmentSchema(Schema):
    secret = fields.Str(dump_only=True, metadata={"description": "The TOTP secret (base32), to type into an authenticator app."})
    otpauth_uri = fields.Str(dump_only=True, metadata={"description": "The same as an otpauth:// URI."})


class RedeemSetupCodeSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    code = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=40))
    password = fields.Str(required=True, load_only=True, validate=[validate.Length(
        min=12, max=200, error="Use 12 to 200 characters."), not_common])


class RedeemedSchema(Schema):
    username = fields.Str(dump_only=True)


class OkSchema(Schema):
    ok = fields.Bool(dump_only=True)


class LogoutSchema(OkSchema):
    organisation_sign_out_url = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": "After signing in with the organisation: the provider's sign-out page, for the "
                       "browser to go to next (absent when there is none)."})
