"""Reading request bodies: JSON only, parsed strictly, loaded through a schema."""
import json

from flask import Flask, request
from marshmallow import Schema

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


def _check_text(data) -> None:
    """Refuse NUL characters (PostgreSQL cannot store them) and absurd nesting, anywhere."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ApiError(422, f"The body is nested more than {MAX_DEPTH} levels deep.",
                           fields={"_schema": ["Too deeply nested."]})
        if isinstance(value, str):
            if "\x00" in value:
                raise ApiError(422, "Text must not contain NUL characters.",
                               fields={"_schema": ["Text must not contain NUL characters."]})
        elif isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def json_body(schema: Schema):
    """Return the request's JSON loaded through `schema`, or raise an ApiError."""
    data = read_json()
    _check_text(data)
    if not isinstance(data, dict):
        raise ApiError(422, "The body must be a JSON object.", fields={"_schema": ["Expected an object."]})
    return schema.load(data)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_in_url():
        if "\x00" in request.path or any("\x00" in k or "\x00" in v
                                          for k, v in request.args.items(multi=True)):
            raise ApiError(400, "The address must not contain NUL characters.")
