"""The alert worker killed: readiness fails within the stale limit, the duty manager's queue is
told, the phone that sends an urgent concern meanwhile is told to ring the duty desk, and the
worker started again sends every alert that waited, in order, exactly once.

Real processes: the worker runs as its own process (tests/worker_process.py) and is SIGKILLed;
alerts go, encrypted, to the local push receiver, which decrypts each one.
"""
import time
import uuid

from sqlalchemy import select

from backend.extensions import db
from backend.alerts.models import AlertJob
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401 (fixtures)
from tests.waiting import wait_until
from tests.worker_process import WorkerProcess

STALE = 4.0  # SAFEVISIT_WORKER_STALE_SECONDS, short so that the test need not wait a minute


def jobs(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(select(AlertJob.concern_id, AlertJob.status, AlertJob.attempts)
                                  .order_by(AlertJob.id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def test_the_worker_killed_is_noticed_and_restarted_drains_every_waiting_alert_once(
        push_app, receiver, signed_in):
    push_app.config["WORKER_STALE_SECONDS"] = STALE
    config = {key: push_app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUSH_TEST_RECEIVER",
        "VAPID_PRIVATE_KEY_FILE", "VAPID_SUBJECT", "PUSH_SEND_TIMEOUT", "WORKER_STALE_SECONDS")}
    client = push_app.test_client()
    manager, worker_device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("duty")).status_code == 200

    worker = WorkerProcess(config).start()
    try:
        wait_until(lambda: client.get("/api/ready").status_code == 200, what="the worker's first beat")
        first = str(uuid.uuid4())
        answer = worker_device.post("/api/sync", {"changes": [urgent_change(first, "CR-0")]}).json
        assert answer["alerting"] == "ok"
        wait_until(lambda: len(receiver.received) == 1, what="the alert sent while the worker runs")
        # Recorded as sent before the kill. (Killed between the push service's answer and that
        # record, a job stays "sending" until its lease lapses and is then sent again once:
        # at least once, never lost; README "Operations".)
        wait_until(lambda: [status for _, status, _ in jobs(push_app)] == ["sent"], what="the record")

        worker.kill()
        killed = time.monotonic()
        wait_until(lambda: client.get("/api/ready").status_code == 503, what="readiness to fail")
        # Within the stale limit (plus one beat the worker may just have written, and a margin
        # for a loaded machine): not a minute later, not at the escalation.
        assert time.monotonic() - killed <= STALE + 5 + 5
        reasons = client.get("/api/ready").json["error"]["reasons"]
        assert any("No alert worker was seen in the last 4 seconds" in r for r in reasons)
        assert manager.get("/api/alerting").json["state"] == "delayed"

        waiting = [str(uuid.uuid4()) for _ in range(5)]
        for n, concern_id in enumerate(waiting, start=1):
            answer = worker_device.post("/api/sync", {"changes": [urgent_change(concern_id, f"CR-{n}")]}).json
            assert answer["results"][0]["result"] == "applied"
            assert answer["alerting"] == "delayed"
        time.sleep(1)
        assert len(receiver.received) == 1  # nobody is sending
        assert [status for _, status, _ in jobs(push_app)] == ["sent"] + ["pending"] * 5

        worker = WorkerProcess(config).start()
        receiver.wait_for(6)
        wait_until(lambda: client.get("/api/ready").status_code == 200, what="readiness again")
        assert manager.get("/api/alerting").json["state"] == "ok"
        time.sleep(1.5)  # several more rounds of the worker: nothing is sent again
        sent = [r.message["concern"] for r in receiver.received]
        assert sent == [first, *waiting]  # in the order they waited, each once
        assert jobs(push_app) == [(c, "sent", 1) for c in [first, *waiting]]
    finally:
        worker.stop()
