"""Request and response bodies of the rota API."""
from marshmallow import Schema, ValidationError, fields, validate

from ..accounts.schemas import TeamSchema
from ..fields import UtcDateTime

MAX_SHIFTS = 400  # a year of daily shifts and then some; a body is checked whole


LOCAL_TIME = ("the team's local time, as typed (\"2027-03-28T09:00\"); or with the offset "
              "the rota gave back (\"2026-10-25T01:30+00:00\"), which says which of a repeated "
              "hour is meant")


def _plausible(value) -> None:
    # Far from the years a rota is about, offsets would carry a time past what datetime holds.
    if not 2000 <= value.year <= 2200:
        raise ValidationError("Must be a date between the years 2000 and 2200.")


class ShiftInSchema(Schema):
    """Times are local to the team's time zone (backend/rota/times.py for daylight saving)."""
    start = fields.DateTime(required=True, validate=_plausible, metadata={"description": LOCAL_TIME})
    end = fields.DateTime(required=True, validate=_plausible, metadata={"description": LOCAL_TIME})
    primary = fields.Int(required=True, strict=True)
    secondary = fields.Int(load_default=None, allow_none=True, strict=True)


class RotaInSchema(Schema):
    shifts = fields.List(fields.Nested(ShiftInSchema), required=True,
                         validate=validate.Length(max=MAX_SHIFTS))


class RotaPersonSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(dump_only=True)


class ShiftOutSchema(Schema):
    id = fields.Int(dump_only=True)
    start = fields.Str(dump_only=True, metadata={"description": "local time with its offset"})
    end = fields.Str(dump_only=True, metadata={"description": "local time with its offset"})
    starts_at = UtcDateTime(dump_only=True)
    ends_at = UtcDateTime(dump_only=True)
    primary = fields.Nested(RotaPersonSchema, dump_only=True)
    secondary = fields.Nested(RotaPersonSchema, dump_only=True, allow_none=True)


class OnCallSchema(Schema):
    primary = fields.Nested(RotaPersonSchema, dump_only=True, allow_none=True)
    secondary = fields.Nested(RotaPersonSchema, dump_only=True, allow_none=True)
    on_duty = fields.List(fields.Nested(RotaPersonSchema), dump_only=True, metadata={
        "description": "managers on duty by their own switch (the override)"})
    alerted = fields.List(fields.Nested(RotaPersonSchema), dump_only=True, metadata={
        "description": "who an urgent concern's alert goes to now"})
    fallback = fields.Bool(dump_only=True, metadata={
        "description": "nobody is on call or on duty: alerts go to every manager of the team"})


class EscalationStepSchema(Schema):
    step = fields.Str(dump_only=True)
    minutes = fields.Float(dump_only=True)
    sms = fields.Bool(dump_only=True, metadata={"description": "this step also texts (false while SMS is off)"})


class RotaTeamSchema(TeamSchema):
    time_zone = fields.Str(dump_only=True)


class RotaSchema(Schema):
    team = fields.Nested(RotaTeamSchema, dump_only=True)
    now = fields.Nested(OnCallSchema, dump_only=True)
    shifts = fields.List(fields.Nested(ShiftOutSchema), dump_only=True)
    managers = fields.List(fields.Nested(RotaPersonSchema), dump_only=True)
    escalation = fields.List(fields.Nested(EscalationStepSchema), dump_only=True)
    sms_enabled = fields.Bool(dump_only=True, metadata={"description": "SMS alerts are set up on this server"})
