"""The delivery worker: claim due jobs, send them from a few threads, record each outcome."""
import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from ..clock import utcnow
from ..extensions import db
from ..push import delivery, keys
from ..push.heartbeats import Heartbeat
from ..push.signals import alerts_accepted
from ..push.states import Result
from ..push.transport import PushSession
from ..sms import notify
from . import chain, escalation, wakeup
from .states import JobStatus
from .channels import sms as sms_queue, webpush as queue

log = logging.getLogger(__name__)


def settings_from(config) -> delivery.Settings:
    subject = config.get("VAPID_SUBJECT")
    if not subject:
        raise RuntimeError("Set SAFEVISIT_VAPID_SUBJECT (mailto: the team that runs SafeVisit).")
    return delivery.Settings(
        vapid=keys.load(config["VAPID_PRIVATE_KEY_FILE"]), subject=subject,
        ttl=int(config["PUSH_TTL"]), timeout=float(config["PUSH_SEND_TIMEOUT"]),
        allowed_hosts=tuple(config["PUSH_ALLOWED_HOSTS"]),
        test_receiver=bool(config.get("PUSH_TEST_RECEIVER")))


class Worker:
    """Drains the queue. `clock` is injectable so that tests control time instead of sleeping."""

    def __init__(self, app: Flask, threads: int = 8, batch: int = 64,
                 clock: Callable[[], dt.datetime] = utcnow):
        self.app, self.batch, self.clock = app, batch, clock
        self.settings = settings_from(app.config)
        self._local = threading.local()
        self._sessions: list[PushSession] = []
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push-send")
        rounds = -(-batch // threads)  # how many sends one thread may do per batch
        # The lease outlives a whole batch of sends that all time out, with room to spare.
        self.lease = dt.timedelta(seconds=self.settings.timeout * (rounds + 1) + 60)
        self.stopping = threading.Event()
        self._notify = None
        # This worker's row in worker_heartbeats: the web processes read it to tell whether
        # alerts are being sent (readiness, the duty queue's warning, a sync's `alerting`).
        self.heartbeat = Heartbeat()

    def beat(self, force: bool = False) -> None:
        with self.app.app_context():
            self.heartbeat.beat(force=force)

    def _send(self, message: delivery.Message) -> delivery.Outcome:
        session = getattr(self._local, "session", None)
        if session is None:  # one keep-alive session per sending thread
            session = self._local.session = PushSession(self.settings.test_receiver)
            self._sessions.append(session)
        return delivery.send(message, self.settings, session)

    def drain(self, now: dt.datetime | None = None) -> Counter:
        """Send every job due at `now` (default: the clock) once; returns counts by new status."""
        counts: Counter = Counter()
        with self.app.app_context():
            while not self.stopping.is_set():
                self.heartbeat.beat()  # a long backlog is still a worker alive
                at = now or self.clock()
                messages = queue.claim(at, self.batch, self.lease, self.app.config["SECRET_KEY"])
                if not messages:
                    break
                results = list(zip(messages, self._pool.map(self._send, messages)))
                statuses = queue.finish(results, now or self.clock())
                db.session.commit()
                alerts_accepted.send(self.app, job_ids=[message.job_id for (message, _), status
                                                        in zip(results, statuses) if status == JobStatus.SENT])
                for (message, outcome), status in zip(results, statuses):
                    counts[str(status or "lease_lost")] += 1  # plain names: the CLI prints them
                    if outcome.result != Result.SENT:
                        log.info("push job %s: %s (%s)", message.job_id, status, outcome.error)
        return counts

    def escalate(self, now: dt.datetime | None = None) -> list[tuple[str, str]]:
        """Take every escalation step due at `now`; returns (concern id, step) for each."""
        with self.app.app_context():
            return escalation.escalate_due(now or self.clock(), chain.of(self.app.config))

    def drain_sms(self, now: dt.datetime | None = None) -> Counter:
        """Send every text due at `now` through Notify, one at a time; counts by new status.
        Nothing when SMS is off (no SAFEVISIT_NOTIFY_API_KEY)."""
        counts: Counter = Counter()
        if not notify.enabled(self.app.config):
            return counts
        if self._notify is None:  # the client keeps one HTTP session; not thread-safe, so ours alone
            self._notify = notify.client(self.app.config)
        lease = dt.timedelta(seconds=notify.TIMEOUT * 2 + 60)
        with self.app.app_context():
            while not self.stopping.is_set():
                self.heartbeat.beat()
                claimed = sms_queue.claim(now or self.clock(), 16, lease)
                if not claimed:
                    break
                for job_id, token, number, concern_id in claimed:
                    outcome = notify.send(self._notify, self.app.config, number,
                                          notify.alert_text(self.app.config, concern_id),
                                          reference=f"safevisit-sms-{job_id}")
                    status = sms_queue.finish(job_id, token, outcome, now or self.clock())
                    db.session.commit()
                    counts[str(status or "lease_lost")] += 1  # plain names: the CLI prints them
        return counts

    def run(self, poll: float = 1.0, fallback: float = 5.0) -> None:
        """Loop until stop(): escalate what is overdue, drain what is due, then wait. On
        PostgreSQL the wait ends the moment a job commits (NOTIFY), or after `fallback` seconds;
        on SQLite it is a `poll`-second pause."""
        listener = self._listener()
        try:
            while not self.stopping.is_set():
                try:
                    if listener:
                        # Before the look at the queue, so nothing slips between. Without it
                        # (the connection is down) the queue is still looked at: a PostgreSQL
                        # that refuses a LISTEN connection must not stop the alerts.
                        listener.try_listen()
                    self.beat()
                    self.escalate()
                    self.drain()
                    self.drain_sms()
                except Exception:  # a database blip must not end the worker; log and go on
                    log.exception("push worker iteration failed")
                    with self.app.app_context():
                        db.session.rollback()
                    if listener:
                        listener.close()
                if listener:
                    listener.wait(fallback, self.stopping)
                else:
                    self.stopping.wait(poll)
        finally:
            if listener:
                listener.close()

    def _listener(self) -> wakeup.Listener | None:
        with self.app.app_context():
            return wakeup.Listener.for_engine(db.engine)

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        for session in self._sessions:
            session.close()
        if self._notify is not None:
            self._notify.request_session.close()
        with self.app.app_context():
            db.session.remove()


def drain_once(app: Flask, now: dt.datetime | None = None, **options) -> Counter:
    worker = Worker(app, **options)
    try:
        return worker.drain(now)
    finally:
        worker.close()


def sms_once(app: Flask, now: dt.datetime | None = None) -> Counter:
    worker = Worker(app)
    try:
        return worker.drain_sms(now)
    finally:
        worker.close()
