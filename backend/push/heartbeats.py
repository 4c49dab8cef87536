"""Alert worker heartbeats: one row per running worker, written every few seconds.

The web processes read them to tell whether alerts are being sent: `/api/ready`, the warning
on the duty manager's queue and the admin console, and the `alerting` word in a sync answer.
A worker is "seen" while its row is younger than SAFEVISIT_WORKER_STALE_SECONDS.
"""
import datetime as dt
import logging
import os
import socket
import time
import uuid

from flask import current_app
from sqlalchemy import String, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..clock import utcnow

log = logging.getLogger(__name__)

OK, DELAYED = "ok", "delayed"
BEAT_SECONDS = 5.0  # how often a worker writes its row; the stale limit is several beats
FORGET_AFTER = dt.timedelta(days=7)  # rows of workers long gone are removed by the living


class WorkerHeartbeat(db.Model):
    __tablename__ = "worker_heartbeats"

    # host:pid:random, so that a restarted process (same pid after a reboot) is a new row.
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Heartbeat:
    """The beat of one worker; `beat()` is cheap to call often: it writes at most every
    BEAT_SECONDS (by the monotonic clock) and never raises, so a database blip cannot stop
    the worker that calls it."""

    def __init__(self, every: float = BEAT_SECONDS):
        self.worker_id = new_worker_id()
        self.every = every
        self._last = None

    def beat(self, now: dt.datetime | None = None, force: bool = False) -> bool:
        tick = time.monotonic()
        if not force and self._last is not None and tick - self._last < self.every:
            return False
        try:
            record(self.worker_id, now or utcnow())
        except Exception:
            log.exception("the worker heartbeat could not be written")
            db.session.rollback()
            return False
        self._last = tick
        return True


def record(worker_id: str, now: dt.datetime) -> None:
    """Write this worker's row (in its own short transaction) and forget long-dead workers."""
    seen = db.session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.id == worker_id)
                              .values(seen_at=now).execution_options(synchronize_session=False))
    if not seen.rowcount:
        db.session.add(WorkerHeartbeat(id=worker_id, started_at=now, seen_at=now))
        db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - FORGET_AFTER)
                           .execution_options(synchronize_session=False))
    db.session.commit()


def stale_limit() -> dt.timedelta:
    return dt.timedelta(seconds=float(current_app.config["WORKER_STALE_SECONDS"]))


def last_seen() -> dt.datetime | None:
    """When any alert worker was last seen, or None if none ever was."""
    return db.session.scalar(select(func.max(WorkerHeartbeat.seen_at)))


def workers() -> list[tuple[str, dt.datetime]]:
    """(worker id, seen at) of every worker remembered, most recently seen first."""
    return [tuple(row) for row in db.session.execute(
        select(WorkerHeartbeat.id, WorkerHeartbeat.seen_at).order_by(WorkerHeartbeat.seen_at.desc()))]


def alerting(now: dt.datetime | None = None) -> dict:
    """{"state": "ok" | "delayed", "last_seen": datetime | None}: delayed when no worker was
    seen within the stale limit, so alerts queued now wait until one comes back."""
    seen = last_seen()
    fresh = seen is not None and (now or utcnow()) - seen <= stale_limit()
    return {"state": OK if fresh else DELAYED, "last_seen": seen}
