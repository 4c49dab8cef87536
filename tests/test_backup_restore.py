"""`flask db backup PATH` and `flask db restore PATH`: a database with concerns, audit entries and
alert jobs is backed up, restored into a new empty database, found whole, and served.
SQLite with the online backup API; PostgreSQL (scripts/with-postgres.sh) with pg_dump -Fc."""
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, text

from backend import create_app
from backend.audit.models import AuditEvent
from backend.concerns.models import Concern
from backend.extensions import db
from backend.alerts.models import AlertJob
from backend.alerts.worker import Worker
from tests.conftest import DEMO_PASSWORD, ApiClient, base_config
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401 (fixtures)


def empty_database(source_url: str, tmp_path) -> str:
    """A new, empty database beside the source: a SQLite file, or a PostgreSQL database."""
    url = make_url(source_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    name = f"restored_{uuid.uuid4().hex[:10]}"
    engine = create_engine(source_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, source_url: str) -> None:
    if make_url(url).get_backend_name() == "sqlite":
        return
    engine = create_engine(source_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def snapshot(app) -> dict:
    """Row counts of every table, and the audit trail in full."""
    with app.app_context():
        tables = sorted(inspect(db.engine).get_table_names())
        counts = {t: db.session.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
        audit = [(e.id, e.at, e.user_id, e.action, e.object_type, e.object_id, e.detail)
                 for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        db.session.remove()
        db.engine.dispose()
        return {"counts": counts, "audit": audit}


def test_a_backup_restored_into_a_new_database_is_whole_and_served(push_app, receiver, signed_in, tmp_path):
    manager, worker_device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("duty")).status_code == 200
    concern_ids = [str(uuid.uuid4()) for _ in range(3)]
    for n, concern_id in enumerate(concern_ids):
        worker_device.post("/api/sync", {"changes": [urgent_change(concern_id, f"CR-BACKUP-{n}")]})
    worker = Worker(push_app, threads=1)
    try:
        worker.drain()
    finally:
        worker.close()
    worker_device.post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()), "CR-BACKUP-9")]})  # waits
    manager.get("/api/queue")  # an audited read
    before = snapshot(push_app)
    assert before["counts"]["concerns"] == 4 and before["counts"]["push_alert_jobs"] == 4
    assert before["counts"]["worker_heartbeats"] == 1 and len(before["audit"]) >= 3

    path = str(tmp_path / "safevisit.backup")
    result = push_app.test_cli_runner().invoke(args=["db", "backup", path])
    assert result.exit_code == 0, result.output
    again = push_app.test_cli_runner().invoke(args=["db", "backup", path])
    assert again.exit_code != 0 and "never overwrites" in again.output

    source_url = push_app.config["SQLALCHEMY_DATABASE_URI"]
    restored_url = empty_database(source_url, tmp_path)
    apps = []
    try:
        restored = create_app({**base_config(restored_url), "VAPID_PRIVATE_KEY_FILE":
                               push_app.config["VAPID_PRIVATE_KEY_FILE"]})
        apps.append(restored)
        result = restored.test_cli_runner().invoke(args=["db", "restore", path])
        assert result.exit_code == 0, result.output
        assert snapshot(restored) == before
        with restored.app_context():
            statuses = list(db.session.scalars(select(AlertJob.status).order_by(AlertJob.id)))
            assert statuses == ["sent"] * 3 + ["pending"]
            db.session.remove()
            db.engine.dispose()

        # The app starts on it: schema at head, the people can sign in and read what was there.
        # (The worker's heartbeat came along: it is taken as seen, however slow this machine.)
        served = create_app({**base_config(restored_url), "WORKER_STALE_SECONDS": 24 * 3600,
                             "VAPID_PRIVATE_KEY_FILE": push_app.config["VAPID_PRIVATE_KEY_FILE"]})
        apps.append(served)
        ready = served.test_client().get("/api/ready")
        assert ready.status_code == 200, ready.json
        device = ApiClient(served.test_client())
        assert device.login("manager", DEMO_PASSWORD).status_code == 200
        listed = device.get("/api/queue").json["concerns"]
        ready.close()
        assert {c["case_reference"] for c in listed} >= {f"CR-BACKUP-{n}" for n in (0, 1, 2, 9)}
        # A restore goes only into an empty database.
        refused = served.test_cli_runner().invoke(args=["db", "restore", path])
        assert refused.exit_code != 0 and "not empty" in refused.output
        with served.app_context():
            assert db.session.scalar(select(func.count()).select_from(Concern)) == 4
            db.session.remove()
            db.engine.dispose()
    finally:
        for each in apps:  # whatever failed above, no connection to the new database stays open
            with each.app_context():
                db.session.remove()
                db.engine.dispose()
        drop_database(restored_url, source_url)


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    missing = app.test_cli_runner().invoke(args=["db", "restore", str(tmp_path / "nothing")])
    assert missing.exit_code != 0 and "No backup at" in missing.output
