""""I have phoned": the worker's record of ringing the duty desk, sent with the concern.

Recorded on the phone, usually in a home with no signal, and stored on the concern when it
syncs. What is kept is the minimum a manager needs to know the call happened: when, which
desk (the duty desk or the out-of-hours team), the number rung and whom the worker spoke to.

The chapter asks for action at once where a child is at risk; ringing the team's duty desk,
and recording who took the call, is practice (labelled so in the procedure data).
"""
import datetime as dt

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from ..accounts.team_phones import PHONE
from ..clock import utcnow
from ..fields import UtcDateTime

DESKS = ("duty", "out_of_hours")
# A phone's clock can be a little ahead of the server's; more than this is not a real call time.
CLOCK_SKEW = dt.timedelta(minutes=10)
# A draft worked on for weeks is unusual; a call older than this is not "now".
OLDEST = dt.timedelta(days=30)


class DutyCallSchema(Schema):
    """When, which desk and whom the worker spoke to."""
    phoned_at = UtcDateTime(required=True, metadata={"description": "When the call was made (RFC 3339, with zone)."})
    desk = fields.Str(required=True, validate=validate.OneOf(DESKS), metadata={
        "description": "duty: the duty desk (office hours); out_of_hours: the Emergency Duty Team."})
    number = fields.Str(load_default=None, allow_none=True, validate=[validate.Length(max=30), validate.Regexp(
        PHONE, error="Must be a phone number (digits, spaces, + ( ) - only).")])
    spoke_to = fields.Str(required=True, validate=validate.Length(min=1, max=120), metadata={
        "description": "Whom the worker spoke to (a name or role at the desk)."})

    @validates("phoned_at")
    def _plausible(self, value: dt.datetime, **_) -> None:
        if value.tzinfo is None:
            raise ValidationError("Must carry its time zone (e.g. 2026-11-29T14:02:00Z).")
        at = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        now = utcnow()
        if at > now + CLOCK_SKEW:
            raise ValidationError("Is in the future.")
        if at < now - OLDEST:
            raise ValidationError("Is more than 30 days ago.")

    @validates("spoke_to")
    def _said_something(self, value: str, **_) -> None:
        if not value.strip():
            raise ValidationError("Say whom you spoke to.")

    @post_load
    def _stored(self, data: dict, **_) -> dict:
        # As the concern keeps it (JSON): UTC, second precision, tidy text.
        at = data["phoned_at"].astimezone(dt.timezone.utc).replace(microsecond=0)
        return {"phoned_at": at.isoformat().replace("+00:00", "Z"), "desk": data["desk"],
                "number": " ".join(data["number"].split()) if data["number"] else None, "spoke_to": " ".join(data["spoke_to"].split())}


def phoned(concern) -> bool:
    return bool(concern.duty_call)
