"""Readiness (`/api/ready`), the alert worker's heartbeat, and what the app says when no worker
has been seen: `/api/alerting` for the queue and the console, `alerting` in a sync answer."""
import datetime as dt
import uuid

from sqlalchemy import text, update

from backend import create_app
from backend.extensions import db
from backend.push.heartbeats import WorkerHeartbeat
from backend.clock import utcnow
from backend.alerts.worker import Worker
from tests.conftest import base_config
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401 (fixtures)


def heartbeat_rows(app):
    with app.app_context():
        rows = db.session.execute(db.select(WorkerHeartbeat.id, WorkerHeartbeat.seen_at)).all()
        db.session.remove()
        return rows


def age_heartbeats(app, seconds: float):
    with app.app_context():
        db.session.execute(update(WorkerHeartbeat).values(
            seen_at=utcnow() - dt.timedelta(seconds=seconds)))
        db.session.commit()


def test_health_stays_liveness_while_ready_says_no_worker_was_seen(push_app):
    client = push_app.test_client()
    assert client.get("/api/health").status_code == 200
    response = client.get("/api/ready")
    assert response.status_code == 503
    error = response.json["error"]
    assert error["code"] == "not_ready"
    assert response.headers["Retry-After"] == "5"
    assert len(error["reasons"]) == 1
    assert "No alert worker was seen in the last 60 seconds (none has ever run)" in error["reasons"][0]


def test_ready_once_a_worker_beats_and_not_after_the_stale_limit(push_app):
    worker = Worker(push_app, threads=1)
    try:
        worker.beat(force=True)
    finally:
        worker.close()
    client = push_app.test_client()
    response = client.get("/api/ready")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    [(worker_id, seen)] = heartbeat_rows(push_app)
    assert worker_id == worker.heartbeat.worker_id
    assert response.json["worker_last_seen"] == seen.isoformat(timespec="seconds") + "Z"

    age_heartbeats(push_app, 61)
    response = client.get("/api/ready")
    assert response.status_code == 503
    [reason] = response.json["error"]["reasons"]
    assert "No alert worker was seen in the last 60 seconds (last seen " in reason
    push_app.config["WORKER_STALE_SECONDS"] = 120  # SAFEVISIT_WORKER_STALE_SECONDS
    assert client.get("/api/ready").status_code == 200


def test_every_worker_has_its_own_row_and_beats_at_most_every_few_seconds(push_app):
    first, second = Worker(push_app, threads=1), Worker(push_app, threads=1)
    try:
        first.beat(force=True)
        second.beat(force=True)
        assert {row[0] for row in heartbeat_rows(push_app)} == {first.heartbeat.worker_id,
                                                                 second.heartbeat.worker_id}
        age_heartbeats(push_app, 30)
        first.beat()  # within BEAT_SECONDS of its last write: nothing written
        assert all(utcnow() - seen > dt.timedelta(seconds=25) for _, seen in heartbeat_rows(push_app))
        first.drain()  # a drain beats too, once the beat interval has passed
        first.heartbeat._last -= first.heartbeat.every
        first.drain()
        seen = dict(heartbeat_rows(push_app))
        assert utcnow() - seen[first.heartbeat.worker_id] < dt.timedelta(seconds=5)
        assert utcnow() - seen[second.heartbeat.worker_id] > dt.timedelta(seconds=25)
    finally:
        first.close()
        second.close()


def test_ready_names_every_failed_check(app):
    # No VAPID key in this configuration, no worker, and the schema one migration behind.
    with app.app_context():
        head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = 'b7d2e5a9c314'"))
        db.session.commit()
    try:
        response = app.test_client().get("/api/ready")
    finally:
        # PostgreSQL's test database is truncated between tests, not rebuilt: put the head back.
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()
    assert response.status_code == 503
    reasons = response.json["error"]["reasons"]
    assert len(reasons) == 3
    assert "not at the latest migration" in reasons[0]
    assert "The VAPID key is not loaded" in reasons[1]
    assert "No alert worker was seen" in reasons[2]


def test_ready_says_when_the_database_does_not_answer(tmp_path):
    missing = tmp_path / "no-such-directory" / "db.sqlite3"
    app = create_app(base_config(f"sqlite:///{missing}"))
    client = app.test_client()
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json["error"]["reasons"] == ["The database is not answering."]
    assert client.get("/api/health").status_code == 503


def test_the_queue_and_console_learn_when_the_worker_was_last_seen(push_app, signed_in):
    manager, admin, worker_device = signed_in("manager"), signed_in("admin"), signed_in("worker")
    assert worker_device.get("/api/alerting").status_code == 403
    assert push_app.test_client().get("/api/alerting").status_code == 401
    assert manager.get("/api/alerting").json == {"state": "delayed", "last_seen": None}
    worker = Worker(push_app, threads=1)
    try:
        worker.beat(force=True)
    finally:
        worker.close()
    answer = admin.get("/api/alerting").json
    assert answer["state"] == "ok"
    age_heartbeats(push_app, 90)
    answer = manager.get("/api/alerting").json
    assert answer["state"] == "delayed"
    [(_, seen)] = heartbeat_rows(push_app)
    assert answer["last_seen"] == seen.isoformat(timespec="seconds") + "Z"


def test_a_sync_that_submits_an_urgent_concern_says_whether_alerts_are_delayed(push_app, signed_in):
    worker_device = signed_in("worker")
    response = worker_device.post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()))]})
    assert response.status_code == 200
    assert response.json["results"][0]["urgency"] in ("urgent", "immediate")
    assert response.json["alerting"] == "delayed"

    worker = Worker(push_app, threads=1)
    try:
        worker.beat(force=True)
    finally:
        worker.close()
    response = worker_device.post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()), "CR-2")]})
    assert response.json["alerting"] == "ok"

    # A draft, or a replay of what was already stored, submits nothing: no word about alerts.
    draft = {**urgent_change(str(uuid.uuid4()), "CR-3"), "status": "draft"}
    response = worker_device.post("/api/sync", {"changes": [draft]})
    assert response.json["results"][0]["result"] == "applied"
    assert "alerting" not in response.json
