"""What the worker does with each answer a push service can give, and with no answer at all.

Against the local receiver of tests/push_support.py (plain http on loopback is the one
thing mocked; see there). Time moves by passing `now` to the worker, never by sleeping.
"""
import datetime as dt
import socket
import threading
import time
import uuid

from sqlalchemy import select

from backend.alerts.models import AlertJob
from backend.alerts.worker import drain_once
from backend.audit.models import AuditEvent
from backend.clock import utcnow
from backend.extensions import db
from backend.push import delivery, keys
from backend.push.models import PushSubscription
from backend.push.transport import PushSession
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401
from tests.waiting import wait_until

LATER = dt.timedelta(hours=2)  # past any backoff the worker may have chosen


def alert(push_app, receiver, signed_in, *names):
    """Subscribe the manager once per name, sync one urgent concern; returns its id."""
    manager = signed_in("manager")
    for name in names:
        assert manager.post("/api/push/subscriptions", receiver.subscription(name)).status_code == 200
    concern_id = str(uuid.uuid4())
    signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id)]})
    return concern_id


def job_for(app, name) -> AlertJob:
    with app.app_context():
        return db.session.scalar(select(AlertJob).join(
            PushSubscription, AlertJob.subscription_id == PushSubscription.id, isouter=True)
            .where(AlertJob.last_error.contains(name) | PushSubscription.endpoint.endswith("/" + name)))


def endpoints(app) -> list[str]:
    with app.app_context():
        return [e.rsplit("/", 1)[-1] for e in db.session.scalars(select(PushSubscription.endpoint))]


def test_410_removes_that_subscription_and_keeps_the_others(push_app, receiver, signed_in):
    alert(push_app, receiver, signed_in, "expired", "alive")
    receiver.script("expired", 410)
    assert drain_once(push_app) == {"dead": 1, "sent": 1}
    assert endpoints(push_app) == ["alive"]
    with push_app.app_context():
        dead = db.session.scalar(select(AlertJob).filter_by(status="dead"))
        assert dead.subscription_id is None and dead.last_status_code == 410
        assert db.session.scalar(select(AuditEvent.action).filter_by(
            object_type="push_subscription", action="push_subscription_expired")) is not None
    assert [r.name for r in receiver.for_name("alive")] == ["alive"]


def test_404_also_means_the_subscription_is_gone(push_app, receiver, signed_in):
    alert(push_app, receiver, signed_in, "unknown")
    receiver.script("unknown", 404)
    assert drain_once(push_app) == {"dead": 1}
    assert endpoints(push_app) == []


def test_500_then_201_is_delivered_once_after_a_retry(push_app, receiver, signed_in):
    alert(push_app, receiver, signed_in, "flaky")
    receiver.script("flaky", 500, 201)
    now = utcnow()
    assert drain_once(push_app, now=now) == {"pending": 1}
    with push_app.app_context():
        job = db.session.scalar(select(AlertJob))
        assert (job.attempts, job.last_status_code) == (1, 500)
        assert job.next_attempt_at > now
    assert drain_once(push_app, now=now) == {}  # not yet due: no hammering
    assert drain_once(push_app, now=now + LATER) == {"sent": 1}
    statuses = [r.status for r in receiver.for_name("flaky")]
    assert statuses == [500, 201]
    assert sum(1 for r in receiver.for_name("flaky") if r.plaintext) == 1


def test_429_waits_at_least_as_long_as_retry_after(push_app, receiver, signed_in):
    alert(push_app, receiver, signed_in, "busy")
    receiver.script("busy", 429)
    now = utcnow()
    drain_once(push_app, now=now)
    with push_app.app_context():
        job = db.session.scalar(select(AlertJob))
        assert job.status == "pending" and job.last_status_code == 429
        assert job.next_attempt_at >= now + dt.timedelta(seconds=120)


def test_413_is_recorded_and_not_retried(push_app, receiver, signed_in):
    concern_id = alert(push_app, receiver, signed_in, "toolarge")
    receiver.script("toolarge", 413)
    assert drain_once(push_app) == {"failed": 1}
    assert drain_once(push_app, now=utcnow() + LATER) == {}
    assert len(receiver.for_name("toolarge")) == 1
    job = signed_in("admin").get(f"/api/push/jobs?concern_id={concern_id}").json["jobs"][0]
    assert (job["status"], job["last_status_code"], job["attempts"]) == ("failed", 413, 1)
    assert endpoints(push_app) == ["toolarge"]  # a bad message is no reason to drop the browser


def test_a_redirect_is_not_followed(push_app, receiver, signed_in):
    alert(push_app, receiver, signed_in, "moved", "target")
    receiver.script("moved", ("redirect", f"{receiver.origin}/push/target"))
    assert drain_once(push_app) == {"failed": 1, "sent": 1}
    assert len(receiver.for_name("target")) == 1  # its own alert, not a redirected one
    assert job_for(push_app, "moved").last_status_code == 301


def test_a_receiver_that_never_answers_fails_within_the_timeout_and_the_worker_goes_on(
        push_app, receiver, signed_in):
    alert(push_app, receiver, signed_in, "silent", "awake")
    receiver.script("silent", "hang")
    drained = {}
    # One thread: the silent send blocks the line. The receiver holds that request until the
    # test ends, so only the send timeout can let the drain finish within the deadline.
    drainer = threading.Thread(target=lambda: drained.update(counts=drain_once(push_app, threads=1)))
    started = time.monotonic()
    drainer.start()
    wait_until(lambda: "counts" in drained, what="the worker to give up on the silent receiver")
    drainer.join()
    assert time.monotonic() - started >= push_app.config["PUSH_SEND_TIMEOUT"]  # waited it out
    assert drained["counts"] == {"pending": 1, "sent": 1}
    assert [r.name for r in receiver.wait_for(1)] == ["awake"]
    with push_app.app_context():
        silent = db.session.scalar(select(AlertJob).filter_by(status="pending"))
        assert silent.attempts == 1 and "no answer within" in silent.last_error


def test_a_crashed_workers_claim_is_taken_over_when_its_lease_lapses(push_app, receiver, signed_in):
    from backend.alerts.channels import webpush as queue
    alert(push_app, receiver, signed_in, "orphan")
    now = utcnow()
    with push_app.app_context():
        # A worker claims and dies before sending: the job sits in "sending".
        [lost] = queue.claim(now, 10, dt.timedelta(minutes=5), push_app.config["SECRET_KEY"])
    assert drain_once(push_app, now=now) == {}  # the lease still holds
    assert drain_once(push_app, now=now + dt.timedelta(minutes=6)) == {"sent": 1}
    with push_app.app_context():  # the dead worker's late report changes nothing
        assert queue.finish([(lost, delivery.Outcome("retry", 500))], now) == [None]
        # Nor does a late "sent" (recorded set-wise, each job only under its own lease).
        assert queue.finish([(lost, delivery.Outcome("sent", 202))], now) == [None]
        db.session.commit()
        job = db.session.scalar(select(AlertJob))
        assert (job.status, job.last_status_code, job.sent_at) == ("sent", 201, now + dt.timedelta(minutes=6))


def test_a_push_host_resolving_to_a_private_address_is_refused_at_send_time(
        push_app, receiver, monkeypatch):
    # The name is on the allowlist, but DNS (faked: no resolver here) answers with a
    # private address, as a rebinding attacker's would. No connection may be made.
    connected = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port))])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a))
    settings = delivery.Settings(
        vapid=keys.load(push_app.config["VAPID_PRIVATE_KEY_FILE"]), subject="mailto:a@example.org",
        ttl=60, timeout=1.0, allowed_hosts=("fcm.googleapis.com",), test_receiver=False)
    subscription = receiver.subscription("x")
    message = delivery.Message(job_id=1, lease_token="t", subscription_id=1,
                               endpoint="https://fcm.googleapis.com/fcm/send/x",
                               p256dh=subscription["keys"]["p256dh"],
                               auth=subscription["keys"]["auth"], payload="{}", topic="t")
    with PushSession(test_receiver=False) as session:
        outcome = delivery.send(message, settings, session)
    assert outcome.result == "failed" and "non-public address (10.0.0.8)" in outcome.error
    assert connected == []


def test_loopback_is_refused_at_send_time_outside_the_test_configuration(receiver):
    subscription = receiver.subscription("x")
    message = delivery.Message(job_id=1, lease_token="t", subscription_id=1,
                               endpoint=subscription["endpoint"], p256dh=subscription["keys"]["p256dh"],
                               auth=subscription["keys"]["auth"], payload="{}", topic="t")
    settings = delivery.Settings(vapid=None, subject="mailto:a@example.org", ttl=60, timeout=1.0,
                                 allowed_hosts=("127.0.0.1",), test_receiver=False)
    with PushSession(test_receiver=False) as session:
        outcome = delivery.send(message, settings, session)
    assert outcome.result == "failed"
    assert receiver.received == []


def test_jobs_of_removed_subscriptions_do_not_hide_the_jobs_behind_them(push_app, receiver, signed_in):
    from sqlalchemy import delete
    alert(push_app, receiver, signed_in, "gone1", "gone2", "kept")
    with push_app.app_context():  # the browser unsubscribed after the jobs were queued
        db.session.execute(delete(PushSubscription).where(~PushSubscription.endpoint.endswith("/kept")))
        db.session.commit()
    assert drain_once(push_app, batch=2) == {"sent": 1}  # the first batch is both dead jobs
    assert [r.name for r in receiver.wait_for(1)] == ["kept"]
    with push_app.app_context():
        assert sorted(db.session.scalars(select(AlertJob.status))) == ["dead", "dead", "sent"]
