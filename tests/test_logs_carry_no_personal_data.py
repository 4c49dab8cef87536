"""A database error that reaches the log carries the statement, never the answers bound to it;
the JSON logs carry the request id, the user's id and role, and nothing anyone typed."""
import io
import json
import logging
import uuid

import pytest
from sqlalchemy import text

from backend.concerns.models import Concern
from backend.extensions import db
from backend.operations import logs
from tests.test_sync import change, count

ANSWER = "Disclosed-online-grooming-by-uncle-7731"
NOTE = "Child-said-secret-phone-in-bedroom-4410"


def _refuse_every_concern_insert(app) -> None:
    """A trigger that makes every INSERT of a concern fail as a constraint violation would."""
    with app.app_context(), db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(
                "CREATE FUNCTION refuse_concern_insert() RETURNS trigger AS $$ BEGIN "
                "RAISE unique_violation USING MESSAGE = 'refused by the test trigger'; "
                "END $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER refuse_concern_insert BEFORE INSERT ON concerns "
                              "FOR EACH ROW EXECUTE FUNCTION refuse_concern_insert()"))
        else:
            conn.execute(text("CREATE TRIGGER refuse_concern_insert BEFORE INSERT ON concerns "
                              "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"))


def _allow_concern_inserts(app) -> None:
    # The PostgreSQL test database is truncated, not recreated, between tests.
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS refuse_concern_insert"
                          + (" ON concerns" if db.engine.dialect.name == "postgresql" else "")))
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS refuse_concern_insert()"))


def test_an_integrity_error_after_the_sync_retries_logs_no_answer_text(app, device, caplog):
    worker = device("worker")
    _refuse_every_concern_insert(app)
    try:
        caplog.set_level(logging.DEBUG)
        response = worker.post("/api/sync", {"changes": [change(
            notes=NOTE, answers={"case_reference": "CR-LOG-1", "worker_assessment": ANSWER})]})
    finally:
        _allow_concern_inserts(app)
    assert response.status_code == 500
    assert ANSWER not in response.get_data(as_text=True)
    # The path under test ran: the IntegrityError was logged, with its statement...
    logged = [r for r in caplog.records if r.exc_info and "IntegrityError" in repr(r.exc_info[1])]
    assert logged, [r.getMessage() for r in caplog.records]
    assert "INSERT INTO concerns" in caplog.text
    # ...and nothing a worker typed reached any log line or traceback.
    for secret in (ANSWER, NOTE, "CR-LOG-1"):
        assert secret not in caplog.text
    assert "hide_parameters=True" in caplog.text
    assert count(app, Concern) == 0


# --- JSON logs ---------------------------------------------------------------------------------

CHILD = "Emily-Hartwell-Oakes"  # a name, in the answers and the notes
CASE = "CR-LOG-9/204"


def _json_lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def json_log():
    """The process's log as production writes it: JSON lines through backend/operations/logs.py."""
    stream = io.StringIO()
    handler = logs.handler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_json_logs_carry_the_request_id_user_and_role_and_nothing_anyone_typed(app, device, json_log):
    worker = device("worker")
    user = worker.get("/api/auth/session").json["user"]
    json_log.seek(0)
    json_log.truncate()  # from here on: the requests below, and what they log
    carrying = change(notes=f"{CHILD} said the uncle has a secret phone. {NOTE}", status="submitted",
                      answers={"case_reference": CASE, "worker_assessment": f"{ANSWER} {CHILD}",
                               "concern_specific_child": True, "child_age": 13})
    # 1. Stored: the request line names the route, the user and role, and the id it answered with.
    stored = worker.post("/api/sync", {"changes": [carrying]}, headers={"X-Request-ID": "proxy-id-0001"})
    assert stored.status_code == 200 and stored.json["results"][0]["result"] == "applied"
    assert stored.headers["X-Request-ID"] == "proxy-id-0001"
    # 2. A case reference in the path: the log has the route template only.
    assert worker.get(f"/api/cases/{CASE}/chronology").status_code == 403
    # 3. The same answers failing in the database: an error envelope and a traceback in the log.
    _refuse_every_concern_insert(app)
    try:
        failed = worker.post("/api/sync", {"changes": [{**carrying, "id": str(uuid.uuid4()),
                                                        "change_id": str(uuid.uuid4())}]})
    finally:
        _allow_concern_inserts(app)
    assert failed.status_code == 500
    request_id = failed.json["error"]["request_id"]
    assert request_id == failed.headers["X-Request-ID"] and len(request_id) == 32

    lines = _json_lines(json_log)  # every line is one JSON object
    requests = [line for line in lines if line["logger"] == "safevisit.request"]
    assert [(r["method"], r["endpoint"], r["status"]) for r in requests] == [
        ("POST", "/api/sync", 200), ("GET", "/api/cases/<path:case_reference>/chronology", 403),
        ("POST", "/api/sync", 500)]
    assert requests[0]["request_id"] == "proxy-id-0001"
    assert requests[2]["request_id"] == request_id
    for line in requests:
        assert (line["user_id"], line["role"]) == (user["id"], "field_worker")
        assert isinstance(line["duration_ms"], float) and line["time"] and line["level"] == "INFO"
    [error] = [line for line in lines if line.get("exc_info")]
    assert error["request_id"] == request_id and error["user_id"] == user["id"]
    assert "IntegrityError" in error["exc_info"]
    # Nothing the worker typed, nor anyone's name or username, nor the case reference.
    text = json_log.getvalue()
    for secret in (ANSWER, NOTE, CHILD, CASE, "CR-LOG-9", user["display_name"], "Wren", "worker_assessment"):
        assert secret not in text, secret


def test_a_request_id_that_could_carry_anything_is_replaced(app, device, json_log):
    response = app.test_client().get("/api/health", headers={"X-Request-ID": f"{CASE} {CHILD}"})
    assert response.headers["X-Request-ID"] != f"{CASE} {CHILD}"
    assert CHILD not in json_log.getvalue() and CASE not in json_log.getvalue()
    [line] = [line for line in _json_lines(json_log) if line["logger"] == "safevisit.request"]
    assert line["request_id"] == response.headers["X-Request-ID"] and line["user_id"] is None
