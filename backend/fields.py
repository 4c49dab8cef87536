"""Marshmallow fields shared by the features."""
import datetime as dt

from marshmallow import fields, validate


class UtcDateTime(fields.DateTime):
    """Datetimes are stored naive in UTC; on the wire they carry their zone (RFC 3339)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class Reason(fields.Str):
    """Why someone takes an audited step (opening a restricted concern, a legal hold): kept
    with who and when, so it is trimmed and must say something (3 to 2,000 characters)."""

    def __init__(self, **kwargs):
        super().__init__(required=True, validate=validate.Length(
            min=3, max=2000, error="Write the reason (3 to 2,000 characters)."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()
