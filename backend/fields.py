"""Marshmallow fields shared by the features."""
import datetime as dt

from marshmallow import fields


class UtcDateTime(fields.DateTime):
    """Datetimes are stored naive in UTC; on the wire they carry their zone (RFC 3339)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)
