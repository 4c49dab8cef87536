"""Request and response bodies of the rota API."""
import datetime as dt
import re

from marshmallow import Schema, fields, validate

from ..accounts.schemas import TeamSchema
from ..fields import StrictBool, UtcDateTime

MAX_SHIFTS = 400  # a year of daily shifts and then some; a body is checked whole


LOCAL_TIME = ("the team's local time, as typed (\"2027-03-28T09:00\"); or with the offset "
              "the rota gave back (\"2026-10-25T01:30+00:00\"), which says which of a repeated "
              "hour is meant")


# The one form a shift's time takes, calendar included, so the document can state it whole:
# datetime.fromisoformat alone also took week dates ("2027-W13-1"), "20270328T0900", a space for
# the T, seconds of offset. Years 2000 to 2200: far from the years a rota is about, offsets would
# carry a time past what datetime holds. No lookaheads, so every regex engine can check it.
_YEAR = "(?:20[0-9]{2}|21[0-9]{2}|2200)"
_LEAP_YEAR = "(?:20(?:[02468][048]|[13579][26])|21(?:0[48]|[2468][048]|[13579][26]))"
_MONTH_DAY = ("(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
              "|(?:0[13578]|1[02])-31)")
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
WALL_CLOCK = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)T{_CLOCK}{_OFFSET}$"


class WallClockTime(fields.String):
    """A shift's start or end as WALL_CLOCK states it, loaded as a datetime (naive: the team's
    local time; with an offset: which of a repeated hour is meant)."""

    default_error_messages = {"form": "Must be a date and time from 2000 to 2200 as "
                                      "YYYY-MM-DDTHH:MM, optionally with :SS and an offset."}

    def __init__(self, **kwargs):
        super().__init__(metadata={"description": LOCAL_TIME, "pattern": WALL_CLOCK}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dt.datetime:
        text = super()._deserialize(value, attr, data, **kwargs)
        if re.fullmatch(WALL_CLOCK, text) is None:
            raise self.make_error("form")
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


ID = validate.Range(min=1, max=2**31 - 1)


class ShiftInSchema(Schema):
    """Times are local to the team's time zone (backend/rota/times.py for daylight saving)."""
    start = WallClockTime(required=True)
    end = WallClockTime(required=True)
    primary = fields.Int(required=True, strict=True, validate=ID)
    secondary = fields.Int(load_default=None, allow_none=True, strict=True, validate=ID)


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
    fallback = StrictBool(dump_only=True, metadata={
        "description": "nobody is on call or on duty: alerts go to every manager of the team"})


class EscalationStepSchema(Schema):
    step = fields.Str(dump_only=True)
    minutes = fields.Float(dump_only=True)
    sms = StrictBool(dump_only=True, metadata={"description": "this step also texts (false while SMS is off)"})


class RotaTeamSchema(TeamSchema):
    time_zone = fields.Str(dump_only=True)


class RotaSchema(Schema):
    team = fields.Nested(RotaTeamSchema, dump_only=True)
    now = fields.Nested(OnCallSchema, dump_only=True)
    shifts = fields.List(fields.Nested(ShiftOutSchema), dump_only=True)
    managers = fields.List(fields.Nested(RotaPersonSchema), dump_only=True)
    escalation = fields.List(fields.Nested(EscalationStepSchema), dump_only=True)
    sms_enabled = StrictBool(dump_only=True, metadata={"description": "SMS alerts are set up on this server"})
