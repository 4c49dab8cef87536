"""Faults at the push service never reach the worker's sync: a stalled or failing push service
leaves every sync answered while the delivery worker is stuck or retrying."""
import threading
import uuid

from sqlalchemy import select

from backend.alerts.models import AlertJob
from backend.alerts.worker import Worker
from backend.extensions import db
from tests.waiting import wait_until
from tests.push_support import receiver, push_app, signed_in, urgent_change  # noqa: F401 (fixtures)


def job_statuses(app) -> list[str]:
    with app.app_context():
        statuses = list(db.session.scalars(select(AlertJob.status).order_by(AlertJob.id)))
        db.session.remove()
        return statuses


def test_a_stalled_push_service_does_not_block_or_fail_sync(push_app, receiver, signed_in):
    push_app.config["PUSH_SEND_TIMEOUT"] = 60.0  # the stall outlasts everything below
    manager, worker_device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("stalled")).status_code == 200
    receiver.script("stalled", *["hang"] * 50)
    delivery = Worker(push_app, threads=1, batch=1)
    loop = threading.Thread(target=delivery.run, kwargs={"poll": 0.02}, daemon=True)
    loop.start()
    try:
        first = worker_device.post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()))]})
        assert first.json["results"][0]["result"] == "applied"
        # The worker has taken the alert and is stuck in the push service's silence.
        wait_until(lambda: job_statuses(push_app) == ["sending"], what="the job to be claimed")

        for n in range(10):
            response = worker_device.post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()), f"CR-{n}")]})
            assert response.status_code == 200
            assert response.json["results"][0]["result"] == "applied"
        # Every sync was answered while the first delivery was still hanging, and each
        # urgent concern queued its alert for later.
        statuses = job_statuses(push_app)
        assert statuses[0] == "sending"
        assert statuses[1:] == ["pending"] * 10
        assert receiver.received == []
    finally:
        delivery.stop()
        receiver.release.set()
        loop.join(timeout=30)
        delivery.close()


def test_a_failing_push_service_leaves_sync_untouched_and_alerts_queued(push_app, receiver, signed_in):
    manager, worker_device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("failing")).status_code == 200
    receiver.script("failing", *[500] * 20)
    delivery = Worker(push_app, threads=2)
    try:
        for n in range(5):
            response = worker_device.post("/api/sync", {"changes": [urgent_change(str(uuid.uuid4()), f"CR-{n}")]})
            assert response.json["results"][0]["result"] == "applied"
        delivery.drain()
        # Each alert was tried once, failed with 500, and waits for its retry.
        assert job_statuses(push_app) == ["pending"] * 5
        assert [r.status for r in receiver.received] == [500] * 5
    finally:
        delivery.close()
