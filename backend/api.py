"""One declaration per endpoint: what it reads, what it answers, which errors, whether it
needs the device key.

    @bp.post("/mobile")
    @declare("Set the number and text it a 6-digit code", body=MobileSetSchema,
             answers=MobileSchema, errors=[409, 429, 503], device_key=True)
    def set_mobile():
        user = require(RECEIVE_ALERTS)
        data = body()   # the declared body, loaded and checked (415, 413, 400, 422)

The view reads its body or query where it chooses (after its own permission check, so a
caller who may not use it learns nothing from a validation error). openapi.py builds the
OpenAPI document from these declarations and the app's routes; device_lock.py reads
`device_key`. Nothing about an endpoint is written anywhere else.
"""
import dataclasses

from flask import current_app, request
from marshmallow import Schema

from .requests import json_body


class Csv:
    """`answers=Csv`: the answer is a CSV file, not JSON."""


@dataclasses.dataclass(frozen=True)
class Declaration:
    summary: str
    body: Schema | None = None   # instances, built once: loading reuses them
    query: Schema | None = None
    answers: type | None = None  # a Schema, Csv, or None for a JSON object of no fixed shape
    errors: tuple[int, ...] = ()
    device_key: bool = False
    path: dict = dataclasses.field(default_factory=dict)  # extra OpenAPI for path parameters
    # A list in the body whose items the view checks one by one (see requests.json_body).
    items_checked_apart: str | None = None


def declare(summary: str, *, body=None, query=None, answers=None, errors=(), device_key=False,
            path=None, items_checked_apart=None):
    """Declare the endpoint of the view below; see the module's docstring."""
    declaration = Declaration(summary, _instance(body), _instance(query), answers, tuple(errors),
                              device_key, path or {}, items_checked_apart)

    def decorate(view):
        view.declaration = declaration
        if device_key:
            view.needs_device_key = True
        return view
    return decorate


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def declaration_of(view) -> Declaration | None:
    return getattr(view, "declaration", None)


def _current() -> Declaration:
    return current_app.view_functions[request.endpoint].declaration


def body():
    """The request's JSON body, loaded through the declared schema (or an ApiError)."""
    declared = _current()
    return json_body(declared.body, declared.items_checked_apart)


def query() -> dict:
    """The query string, loaded through the declared schema (422 on a bad value)."""
    return _current().query.load(request.args.to_dict())
