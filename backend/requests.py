"""Reading request bodies: JSON only, parsed strictly, loaded through a schema."""
import json

from flask import Flask, request
from marshmallow import Schema
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from .errors import ApiError


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json():
    """The request's JSON document, or an ApiError (415, 413 or 400)."""
    if not request.is_json:
        raise ApiError(415, "Send the body as application/json.")
    raw = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
    try:
        # NaN and Infinity are not JSON and would not survive a round trip.
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "The body is not valid JSON.", "malformed_json") from None


MAX_DEPTH = 20
UNSTORABLE = ("Text must not contain NUL characters or lone UTF-16 surrogates "
              "(\\ud800-\\udfff escapes that are not a pair): no database can store them.")


def _check_depth(data) -> None:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ApiError(422, f"The body is nested more than {MAX_DEPTH} levels deep.",
                           fields={"_schema": ["Too deeply nested."]})
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _storable(text: str) -> bool:
    if "\x00" in text:  # PostgreSQL refuses NUL in text
        return False
    try:
        # JSON lets "\ud800" through as a lone surrogate: valid Python, but no UTF-8
        # encoding exists, so the database driver would fail (a 500) on it.
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_errors(data, prefix: str = "") -> dict:
    """Field errors ({"a.b": [...]}) for every string, keys included, that cannot be stored.

    The one definition of acceptable text: every JSON body goes through it (json_body), and
    sync applies it to each change of a batch on its own so one bad item is rejected alone.
    """
    errors: dict[str, list[str]] = {}
    stack = [(data, prefix)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if not _storable(value):
                errors[path or "_schema"] = [UNSTORABLE]
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _storable(key):
                    # The key itself cannot be echoed back: name the object holding it.
                    errors[path or "_schema"] = ["A key here is not storable text. " + UNSTORABLE]
                    continue
                stack.append((item, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value))
    return errors


def json_body(schema: Schema, items_checked_apart: str | None = None):
    """Return the request's JSON loaded through `schema`, or raise an ApiError.

    `items_checked_apart` names a list whose items the caller checks one by one with
    text_errors (sync: one unstorable change is rejected, the rest still applied).
    """
    data = read_json()
    _check_depth(data)
    if not isinstance(data, dict):
        raise ApiError(422, "The body must be a JSON object.", fields={"_schema": ["Expected an object."]})
    errors = text_errors({k: v for k, v in data.items()
                          if k != items_checked_apart or not isinstance(v, list)})
    if errors:
        raise ApiError(422, UNSTORABLE, fields=errors)
    return schema.load(data)


ROW_ID_MAX = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route: an id past what a row id can be names nothing (404), rather
    than reaching the database and overflowing its integer (SQLite raises, PostgreSQL errors).
    The route still matches, so every method gets that 404 (not a 405 from another route)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > ROW_ID_MAX:
            raise NotFound()
        return number


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: routes take their converter when they are added.
    app.url_map.converters["int"] = RowIdConverter

    @app.before_request
    def refuse_nul_in_url():
        if "\x00" in request.path or any("\x00" in k or "\x00" in v
                                          for k, v in request.args.items(multi=True)):
            raise ApiError(400, "The address must not contain NUL characters.")
