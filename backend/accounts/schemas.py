"""Request and response bodies of the auth API."""
from marshmallow import Schema, fields, validate


class TeamSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(dump_only=True)


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str(dump_only=True)
    display_name = fields.Str(dump_only=True)
    role = fields.Str(dump_only=True)
    team = fields.Nested(TeamSchema, dump_only=True)
    on_duty = fields.Bool(dump_only=True)


class LoginSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class SessionSchema(Schema):
    user = fields.Nested(UserSchema, allow_none=True, dump_only=True)
    csrf_token = fields.Str(dump_only=True)
    ended = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": "Why this request's session stopped counting: session_ended or account_deactivated."})
    device_key = fields.Str(dump_only=True, metadata={
        "description": "Login answer only: this session's device key, sent back in the X-SafeVisit-Device "
                       "header with every request about concerns, answers, the audit trail or people."})


class OkSchema(Schema):
    ok = fields.Bool(dump_only=True)
