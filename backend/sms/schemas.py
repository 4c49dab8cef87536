"""Request and response bodies of the mobile-number API."""
from marshmallow import Schema, fields, validate

from ..fields import FullMatch, StrictBool, UtcDateTime
from . import numbers


class MobileSchema(Schema):
    enabled = StrictBool(dump_only=True, metadata={"description": "SMS alerts are set up on this server"})
    number = fields.Str(dump_only=True, allow_none=True, metadata={"description": "masked"})
    verified = StrictBool(dump_only=True)
    verified_at = UtcDateTime(dump_only=True, allow_none=True)
    code_pending = StrictBool(dump_only=True, metadata={"description": "a code was sent and waits"})


class MobileSetSchema(Schema):
    number = fields.Str(required=True, validate=[validate.Length(min=5, max=24), FullMatch(
        numbers.PATTERN, error="A UK mobile number: 07… or +44 7…")])


class MobileVerifySchema(Schema):
    code = fields.Str(required=True, validate=FullMatch(r"^[0-9]{6}$", error="Six digits."))
