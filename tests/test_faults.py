"""Faults: the web process killed in the middle of a sync batch (one transaction: all or nothing), the database stopped briefly.

Real processes: gunicorn serving the app, SIGKILLed mid-batch; a PostgreSQL server stopped
and started under a running app.
"""
import contextlib
import json
import sqlite3
import threading
import uuid

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from backend import create_app
from backend.accounts.demo import seed_demo
from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db
from backend.procedures import store
from tests.conftest import DEMO_PASSWORD, PROCEDURE_FILES, base_config
from tests.process_support import Gunicorn, PostgresCluster, postgres_bindir
from tests.test_sync import change
from tests.waiting import wait_until


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    token = session.get(base + "/api/auth/session").json()["csrf_token"]
    answer = session.post(base + "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD},
                          headers={"X-CSRFToken": token})
    assert answer.status_code == 200, answer.text
    session.headers["X-CSRFToken"] = answer.json()["csrf_token"]
    session.headers["X-SafeVisit-Device"] = answer.json()["device_key"]  # as an unlocked app sends it
    return session


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT concern_id, count(*) FROM concern_revisions GROUP BY concern_id")).all()
    finally:
        engine.dispose()
    return dict(rows)


@contextlib.contextmanager
def audit_held(url: str):
    """PostgreSQL: holds audit_events against inserts, so a sync batch waits at its last write
    (the audit rows, after its concerns and revisions) with its transaction open for as long as
    the test needs, instead of for the few milliseconds between that write and its commit, which
    a probe could miss (it did, once the batch wrote its rows together). SQLite needs no help:
    the batch holds the write lock from its first statement."""
    if url.startswith("sqlite"):
        yield
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE audit_events IN EXCLUSIVE MODE"))  # plain reads still pass
            try:
                yield
            finally:
                conn.rollback()
    finally:
        engine.dispose()


def batch_in_flight(url: str) -> bool:
    """True while a sync batch's transaction is open and uncommitted. PostgreSQL: a transaction
    holds the row-insert lock of concern_revisions, i.e. it has stored a revision not yet
    committed. SQLite: someone holds the write lock (every transaction takes it at BEGIN
    IMMEDIATE, and the batch's request is the only one running)."""
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as err:
            if "locked" not in str(err):
                raise
            return True
        finally:
            probe.close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'concern_revisions' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()")).scalar())
    finally:
        engine.dispose()


def test_killing_the_server_mid_batch_stores_none_of_it_and_the_resend_stores_each_once(app, demo_users):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    batch = [change(notes="x" * 4000) for _ in range(50)]
    server = Gunicorn(url)
    try:
        server.start()
        session = sign_in(server.url, "worker")
        outcome = {}

        def send():
            try:
                outcome["response"] = session.post(server.url + "/api/sync", json={"changes": batch}, timeout=60)
            except requests.RequestException as err:
                outcome["error"] = err

        with audit_held(url):
            sender = threading.Thread(target=send)
            sender.start()
            try:
                wait_until(lambda: batch_in_flight(url), interval=0.002, what="the batch's transaction to be open")
            finally:
                server.kill()
                sender.join()  # the killed server ends the request: an error, and the thread with it
        # The batch is one transaction: killed before its commit, none of it was stored, and no
        # answer came back (so the device still holds every change and resends them all).
        assert counts(url) == {}
        assert "error" in outcome

        server.start()  # the device retries the whole batch, same ids, once the server is back
        session = sign_in(server.url, "worker")
        retry = session.post(server.url + "/api/sync", json={"changes": batch}, timeout=60)
        assert retry.status_code == 200
        assert {r["id"]: r["result"] for r in retry.json()["results"]} == {item["id"]: "applied" for item in batch}
        # The resend's answer was lost too, as a dropped connection would lose it: the device
        # sends the batch a third time and each change is now a duplicate.
        again = session.post(server.url + "/api/sync", json={"changes": batch}, timeout=60)
        assert {r["id"]: r["result"] for r in again.json()["results"]} == {item["id"]: "duplicate" for item in batch}
    finally:
        server.stop()
    final = counts(url)
    assert set(final) == {item["id"] for item in batch}
    assert set(final.values()) == {1}


@pytest.mark.skipif(postgres_bindir() is None,
                    reason="needs Debian's postgresql package (make test installs it)")
def test_a_database_stopped_briefly_gives_503_and_recovers_without_a_restart():
    cluster = PostgresCluster()
    cluster.init()
    try:
        app = create_app(base_config(cluster.url))
        with app.app_context():
            upgrade()
            for path in PROCEDURE_FILES:
                store.load(json.loads(path.read_text()))
            seed_demo(DEMO_PASSWORD)
        from tests.conftest import ApiClient
        worker = ApiClient(app.test_client())
        assert worker.login("worker").status_code == 200
        first = worker.post("/api/sync", {"changes": [change()]})
        assert first.json["results"][0]["result"] == "applied"

        cluster.stop()
        pending = change()
        for response in (worker.get("/api/health"), worker.get("/api/concerns"),
                         worker.post("/api/sync", {"changes": [pending]})):
            assert response.status_code == 503
            assert response.json["error"]["code"] == "unavailable"
            assert response.headers["Retry-After"]

        cluster.start()
        assert worker.get("/api/health").status_code == 200
        again = worker.post("/api/sync", {"changes": [pending]})
        assert again.status_code == 200 and again.json["results"][0]["result"] == "applied"
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Concern)) == 2
            assert db.session.scalar(select(func.count()).select_from(ConcernRevision)) == 2
            db.session.remove()  # give the connection back before the pool is closed
            db.engine.dispose()
    finally:
        cluster.remove()
