"""Request and response bodies of the mobile-number API."""
from marshmallow import Schema, fields, validate

from ..fields import UtcDateTime


class MobileSchema(Schema):
    enabled = fields.Bool(dump_only=True, metadata={"description": "SMS alerts are set up on this server"})
    number = fields.Str(dump_only=True, allow_none=True, metadata={"description": "masked"})
    verified = fields.Bool(dump_only=True)
    verified_at = UtcDateTime(dump_only=True, allow_none=True)
    code_pending = fields.Bool(dump_only=True, metadata={"description": "a code was sent and waits"})


class MobileSetSchema(Schema):
    number = fields.Str(required=True, validate=validate.Length(min=5, max=24))


class MobileVerifySchema(Schema):
    code = fields.Str(required=True, validate=validate.Regexp(r"^\d{6}$", error="Six digits."))
