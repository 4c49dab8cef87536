"""One JSON error envelope for every failure the API can return.

Shape (documented in the README):
    {"error": {"status": 422, "code": "validation_failed",
               "message": "...", "fields": {"answers.child_age": ["..."]}}}
`request_id` matches the request's X-Request-ID and its log lines. `fields` is present only for
validation errors; `reasons` (a list of sentences) only where a
check of several parts failed (`GET /api/ready`).
"""
import logging

from flask import Flask, g, has_request_context, jsonify
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raised by views and services; rendered by the handler below."""

    def __init__(self, status: int, message: str, code: str | None = None, fields=None,
                 headers=None, reasons=None):
        super().__init__(message)
        self.reasons = reasons
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")
        self.fields = fields
        self.headers = headers or {}


def error_response(status: int, message: str, code: str | None = None, fields=None,
                   headers=None, reasons=None):
    body = {"status": status, "code": code or CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = fields
    if reasons:
        body["reasons"] = reasons
    request_id = g.get("request_id") if has_request_context() else None
    if request_id:  # the same id as the request's log lines and its X-Request-ID header
        body["request_id"] = request_id
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages, prefix: str = "") -> dict:
    """Turn marshmallow's nested messages into {"a.b": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, (dict,)):
                flat.update(flatten_messages(value, path))
            else:
                flat[path] = [str(m) for m in value] if isinstance(value, list) else [str(value)]
    elif isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def _is_operational(err: DBAPIError) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError
    return isinstance(err, (OperationalError, InterfaceError))


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(err: ApiError):
        return error_response(err.status, err.message, err.code, err.fields, err.headers, err.reasons)

    @app.errorhandler(ValidationError)
    def handle_validation_error(err: ValidationError):
        return error_response(422, "The request has invalid fields.",
                              fields=flatten_messages(err.messages))

    @app.errorhandler(CSRFError)
    def handle_csrf_error(err: CSRFError):
        # 403 rather than Flask-WTF's 400: the request is well formed but not allowed.
        return error_response(403, f"CSRF check failed: {err.description}", "csrf_failed")

    @app.errorhandler(HTTPException)
    def handle_http_error(err: HTTPException):
        status = err.code or 500
        if status >= 500:
            log.error("server error", exc_info=getattr(err, "original_exception", None) or err)
        headers = {}
        if status == 405 and err.valid_methods:
            headers["Allow"] = ", ".join(err.valid_methods)
        return error_response(status, err.description or CODES.get(status, "error"),
                              headers=headers)

    @app.errorhandler(DBAPIError)
    def handle_database_unavailable(err: DBAPIError):
        from .extensions import db
        db.session.rollback()
        if err.connection_invalidated or _is_operational(err):
            # The database went away or refused us: tell the client to retry; the pool
            # reconnects by itself (pool_pre_ping), so no restart is needed.
            log.warning("database unavailable: %s", err.orig)
            return error_response(503, "The database is not answering. Nothing was changed; "
                                  "try again shortly.", headers={"Retry-After": "5"})
        log.exception("database error")
        return error_response(500, "Something went wrong on the server. Nothing was changed.")

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        log.exception("unhandled error")
        return error_response(500, "Something went wrong on the server. Nothing was changed.")
