"""Two workers draining one queue on PostgreSQL deliver each alert exactly once (SKIP LOCKED).

Runs when SAFEVISIT_TEST_DATABASE_URL points at PostgreSQL (CI provides one); SQLite has a
single writer, so there is nothing concurrent to prove there.
"""
import collections
import threading
import uuid

import psycopg
import pytest
from sqlalchemy import func, select, text

from backend import create_app
from backend.accounts.models import User
from backend.alerts import wakeup
from backend.alerts.models import AlertJob
from backend.alerts.worker import Worker
from backend.extensions import db
from backend.push.models import PushSubscription
from tests.conftest import TEST_DATABASE_URL, base_config
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                       reason="needs SAFEVISIT_TEST_DATABASE_URL=postgresql://… (CI sets it)"),
]

SUBSCRIPTIONS = 300


def test_two_workers_draining_one_queue_deliver_each_alert_exactly_once(
        push_app, receiver, signed_in):
    with push_app.app_context():
        manager = db.session.scalar(select(User).filter_by(username="manager"))
        for n in range(SUBSCRIPTIONS):
            body = receiver.subscription(f"s{n}")
            db.session.add(PushSubscription(user_id=manager.id, endpoint=body["endpoint"],
                                            p256dh=body["keys"]["p256dh"], auth=body["keys"]["auth"]))
        db.session.commit()
    concern_id = str(uuid.uuid4())
    signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id)]})

    # Two apps, two engines, two connection pools: as close to two processes as a test gets.
    apps = [push_app, create_app({**base_config(push_app.config["SQLALCHEMY_DATABASE_URI"]),
                                  **{k: push_app.config[k] for k in (
                                      "PUSH_TEST_RECEIVER", "VAPID_PRIVATE_KEY_FILE",
                                      "VAPID_SUBJECT", "PUSH_SEND_TIMEOUT")}})]
    # Small batches so that the two keep colliding on the same rows.
    workers = [Worker(app, threads=4, batch=8) for app in apps]
    counts, errors = [], []
    start = threading.Barrier(2)

    def drain(worker):
        try:
            start.wait()
            counts.append(worker.drain())
        except Exception as err:  # surfaced below: a thread's failure must fail the test
            errors.append(err)

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for worker in workers:
        worker.close()
    with apps[1].app_context():
        db.engine.dispose()

    assert not errors
    assert all(c["sent"] > 0 for c in counts), counts  # both took part
    assert sum(c["sent"] for c in counts) == SUBSCRIPTIONS
    per_endpoint = collections.Counter(r.name for r in receiver.wait_for(SUBSCRIPTIONS))
    assert len(per_endpoint) == SUBSCRIPTIONS and set(per_endpoint.values()) == {1}
    with push_app.app_context():
        assert dict(db.session.execute(select(AlertJob.status, func.count())
                                       .group_by(AlertJob.status)).all()) == {"sent": SUBSCRIPTIONS}


def test_a_worker_is_woken_by_the_commit_not_by_its_poll(push_app, receiver, signed_in):
    """NOTIFY in the transaction that writes the jobs wakes a LISTENing worker at once: with a
    safety-net poll of ten minutes, only the notification can deliver within the deadline."""
    manager, device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("woken")).status_code == 200
    worker = Worker(push_app, threads=1)
    loop = threading.Thread(target=worker.run, kwargs={"fallback": 600.0}, daemon=True)
    loop.start()
    try:
        # The first alert may go out in the loop's first look at the queue; once it has
        # arrived the worker is idle, and only a wake-up can bring it the second one.
        concerns = [str(uuid.uuid4()), str(uuid.uuid4())]
        for n, concern_id in enumerate(concerns, start=1):
            assert device.post("/api/sync", {"changes": [urgent_change(concern_id)]}).status_code == 200
            arrived = receiver.wait_for(n)
            assert [r.message["concern"] for r in arrived] == concerns[:n]
    finally:
        worker.stop()
        loop.join()
        worker.close()


def _listening_backends(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(text(
            "SELECT pid FROM pg_stat_activity WHERE query = :listen AND pid <> pg_backend_pid()"),
            {"listen": f"LISTEN {wakeup.CHANNEL}"}))


def test_a_notification_lost_while_the_worker_reconnects_is_caught_by_the_fallback_poll(
        push_app, receiver, signed_in, monkeypatch):
    """The worker's LISTEN connection is cut and cannot come back (PostgreSQL
    refusing it), so the NOTIFY of the next alert reaches nobody. The worker's slow
    poll still finds the job; the alert arrives, once, and the worker listens again after."""
    manager, device = signed_in("manager"), signed_in("worker")
    assert manager.post("/api/push/subscriptions", receiver.subscription("lost")).status_code == 200
    worker = Worker(push_app, threads=1)
    loop = threading.Thread(target=worker.run, kwargs={"fallback": 2.0}, daemon=True)
    loop.start()
    refused = threading.Event()
    connect = psycopg.connect

    def refusing(*args, **kwargs):
        # Only the wake-up line (the listener's own autocommit connection) is refused: the
        # worker's and the app's pooled connections must still open, or the worker could not
        # record the send, and this test would hinge on whether the pool had one idle.
        if refused.is_set() and kwargs.get("autocommit") is True:
            raise psycopg.OperationalError("connection refused (the test cut the wake-up line)")
        return connect(*args, **kwargs)

    monkeypatch.setattr(wakeup.psycopg, "connect", refusing)
    try:
        listening = wait_until(lambda: _listening_backends(push_app), what="the worker to LISTEN")
        refused.set()
        with push_app.app_context():
            for pid in listening:
                db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            db.session.commit()
        wait_until(lambda: not _listening_backends(push_app), what="the wake-up line to be cut")

        concern_id = str(uuid.uuid4())
        assert device.post("/api/sync", {"changes": [urgent_change(concern_id)]}).status_code == 200
        [arrived] = receiver.wait_for(1)
        assert arrived.message["concern"] == concern_id
        assert not _listening_backends(push_app)  # delivered by the poll: nobody heard the NOTIFY

        refused.clear()
        wait_until(lambda: _listening_backends(push_app), what="the worker to LISTEN again")
    finally:
        worker.stop()
        loop.join()
        worker.close()
    with push_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AlertJob)
                                 .where(AlertJob.status == "sent")) == 1
