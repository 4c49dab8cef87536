"""Reading request bodies: JSON only, parsed strictly, loaded through a schema."""
import json

from flask import request
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


def json_body(schema: Schema):
    """Return the request's JSON loaded through `schema`, or raise an ApiError."""
    data = read_json()
    if not isinstance(data, dict):
        raise ApiError(422, "The body must be a JSON object.", fields={"_schema": ["Expected an object."]})
    return schema.load(data)
