"""JSON logs: one object a line, each request's with its id, the user's id and role.

Every request gets an id (a well-formed X-Request-ID from the proxy is kept, else a new one);
the answer carries it in X-Request-ID and any error envelope carries it as `request_id`, so a
person reporting an error can be matched to the log line. Every log record written during a
request carries request_id, user_id and role. The request line names the route template
(`/api/cases/<path:case_reference>/chronology`), never the path or query, which can hold a
case reference; nothing logged here holds an answer, a note, a name or a case reference.

SAFEVISIT_LOG_FORMAT=json (the default) or text (the default in development). The test suite's
app leaves the process's logging alone (pytest captures it).
"""
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event, inspect

from ..accounts.models import User

REQUEST_LOG = logging.getLogger("safevisit.request")
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
FIELDS = ("request_id", "user_id", "role")


class RequestContext(logging.Filter):
    """Adds request_id, user_id and role to every record written while a request runs.

    Read without touching the database: after the view's commit the signed-in User is expired,
    and reading its attributes would load it again (a query per request just to log it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.user_id, record.role = _identity(g.get("user"))
        return True


def _identity(user) -> tuple[int | None, str | None]:
    if user is None:
        return None, None
    state = inspect(user)
    user_id = state.identity[0] if state.identity else None
    role = state.dict.get("role") or g.get("log_roles", {}).get(user_id)
    return user_id, role


@event.listens_for(User, "load")
@event.listens_for(User, "refresh")
def _remember_role(user, *_):
    # While the row is fresh: the log reads it from here once the object is expired.
    if has_request_context() and "role" in user.__dict__:
        g.setdefault("log_roles", {})[user.id] = user.role


def formatter() -> JsonFormatter:
    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         timestamp=False, json_ensure_ascii=False)


def handler(stream=None, json: bool = True) -> logging.Handler:
    """A handler writing JSON lines (or plain text) with the request's fields."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(formatter() if json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    out.addFilter(RequestContext())
    return out


def configure(json: bool = True, level: int = logging.INFO) -> None:
    """The process's logging: one handler on the root logger (replacing any before it)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "safevisit", False):
            root.removeHandler(old)
    new = handler(json=json)
    new.safevisit = True
    root.addHandler(new)
    root.setLevel(level)


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def init_app(app: Flask) -> None:
    if not app.config.get("TESTING"):
        configure(json=app.config.get("LOG_FORMAT", "json") == "json")

    def assign_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.log_started = time.perf_counter()

    # First of all the hooks, so that a request refused by any of them has its id too.
    app.before_request_funcs.setdefault(None, []).insert(0, assign_id)

    @app.after_request
    def log_request(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
            started = g.get("log_started")
            REQUEST_LOG.info("request", extra={
                "method": request.method,
                "endpoint": request.url_rule.rule if request.url_rule is not None else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None})
        return response
