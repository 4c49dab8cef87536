"""Marshmallow fields shared by the features."""
import datetime as dt
import re

from marshmallow import ValidationError, fields, validate

# Every string the API reads matches this (the OpenAPI document says so for each one that has
# no narrower pattern): no NUL, which PostgreSQL cannot store. Lone UTF-16 surrogates are refused
# too (backend/requests.py) but no pattern can name them portably: Rust's and Go's regex engines
# refuse surrogate escapes, so the document states that rule in words (backend/openapi.py).
TEXT_PATTERN = r"^[^\u0000]*$"


def _ranges(codes) -> str:
    out, run = [], []
    for code in codes:
        if run and code == run[-1] + 1:
            run.append(code)
            continue
        if run:
            out.append(run)
        run = [code]
    out.append(run)
    return "".join(f"\\u{r[0]:04x}" + (f"-\\u{r[-1]:04x}" if len(r) > 1 else "") for r in out)


# What the server trims: the characters str.strip() and str.split() take for space. Patterns in
# the document spell them out instead of writing \s, whose meaning differs between engines:
# Python's takes \x1c-\x1f and \x85, ECMA-262's (JSON Schema's) takes \ufeff instead, Rust's
# takes \x85 but not \x1c. A document saying \s would promise one set while the server trims
# another (a lone \x1e "violated" the pattern yet was trimmed to blank and accepted).
SPACE_CHARS = _ranges(c for c in range(0x10000) if chr(c).isspace())  # for inside a [...] class
SPACE = f"[{SPACE_CHARS}]"
NOT_SPACE_OR_NUL = f"[^{SPACE_CHARS}\\u0000]"


class UtcDateTime(fields.DateTime):
    """Datetimes are stored naive in UTC; on the wire they carry their zone (RFC 3339)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class StrictBool(fields.Boolean):
    """A JSON body's boolean: `true` or `false`, nothing else. marshmallow's Boolean also takes
    0, 1, "0", "true", "yes"…; and since 1 == True in Python, a set of {True} alone would still
    let 1 in, so the type is checked, not only the value."""

    truthy = {True}
    falsy = {False}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class QueryFlag(fields.String):
    """A query-string boolean: exactly "true" or "false" (what the app sends), documented as
    those two strings; anything else is a 422, not a guess."""

    VALUES = ("true", "false")
    default_error_messages = {"flag": 'Must be "true" or "false".'}

    def __init__(self, **kwargs):
        metadata = {**kwargs.pop("metadata", {}), "enum": list(self.VALUES)}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text not in self.VALUES:
            raise self.make_error("flag")
        return text == "true"


class FullMatch(validate.Regexp):
    """A Regexp the whole value must match, as JSON Schema's `pattern` ^…$ means: Python's `$`
    also matches before a final newline, so "123456\\n" passed `^[0-9]{6}$` under re.match. apispec
    reads the pattern from it as from any Regexp."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Day(fields.Date):
    """A date as YYYY-MM-DD, the one form `format: date` means: datetime's fromisoformat would
    also take "20270328" and week dates ("2027-W13-1")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is None:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return super()._deserialize(value, attr, data, **kwargs)


class Reason(fields.Str):
    """Why someone takes an audited step (opening a restricted concern, a legal hold): kept
    with who and when, so it is trimmed and must say something (3 to 2,000 characters)."""

    # At least three characters once trimmed, as the document can state it.
    PATTERN = f"^{SPACE}*{NOT_SPACE_OR_NUL}[^\\u0000]+{NOT_SPACE_OR_NUL}{SPACE}*$"

    def __init__(self, **kwargs):
        metadata = {**kwargs.pop("metadata", {}), "pattern": self.PATTERN}
        super().__init__(required=True, validate=validate.Length(
            min=3, max=2000, error="Write the reason (3 to 2,000 characters)."), metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()
