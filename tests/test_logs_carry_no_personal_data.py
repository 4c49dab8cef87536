"""A database error that reaches the log carries the statement, never the answers bound to it."""
import logging

from sqlalchemy import text

from backend.concerns.models import Concern
from backend.extensions import db
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
