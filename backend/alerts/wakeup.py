"""Waking the push workers the moment an alert job commits, instead of at their next poll.

On PostgreSQL the transaction that writes jobs also sends NOTIFY; PostgreSQL delivers it at
commit (never for a rollback), so a woken worker always finds the jobs. Workers LISTEN on a
connection of their own. A notification can still be missed (the listening connection
dropped, a worker busy restarting), so workers keep a slow poll as a safety net; it also
paces escalations and retries, which are due by time, not by a new job. SQLite has no
notifications: workers there keep a short poll.
"""
import logging
import threading

import psycopg
from sqlalchemy import text

from ..extensions import db

log = logging.getLogger(__name__)

CHANNEL = "safevisit_push_jobs"
SLICE = 0.5  # longest wait between looks at the stop flag


def announce() -> None:
    """Call inside the transaction that adds jobs: workers wake when (and only if) it commits."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"NOTIFY {CHANNEL}"))


class Listener:
    """A dedicated autocommit connection LISTENing on CHANNEL; reconnects after a failure."""

    def __init__(self, url):
        # psycopg takes the plain libpq URL, not SQLAlchemy's "postgresql+psycopg" form.
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = None

    @classmethod
    def for_engine(cls, engine) -> "Listener | None":
        return cls(engine.url) if engine.dialect.name == "postgresql" else None

    def listen(self) -> None:
        """LISTEN before the first look at the queue, so no job committed after it is missed."""
        if self.conn is None:
            self.conn = psycopg.connect(self.conninfo, autocommit=True)
            self.conn.execute(f"LISTEN {CHANNEL}")

    def try_listen(self) -> bool:
        """listen(), but a failure is logged and left to the next wait: the caller's look at the
        queue goes ahead without it (the fallback poll covers what a missed NOTIFY would say)."""
        try:
            self.listen()
            return True
        except psycopg.Error:
            log.warning("push wake-up connection not available; polling until it is back", exc_info=True)
            self.close()
            return False

    def wait(self, timeout: float, stopping: threading.Event) -> bool:
        """Up to `timeout` seconds for a notification; True when one came. Returns early on stop."""
        remaining = timeout
        while remaining > 0 and not stopping.is_set():
            step = min(SLICE, remaining)
            try:
                self.listen()
                # Back at the first notification (stop_after), or the generator would sit out
                # the whole step collecting more. Those still queued wake the next wait at
                # once: a spare, cheap look at the queue, never a missed one.
                if list(self.conn.notifies(timeout=step, stop_after=1)):
                    return True
            except psycopg.Error:
                log.warning("push wake-up connection lost; polling until it is back", exc_info=True)
                self.close()
                stopping.wait(step)
            remaining -= step
        return False

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None
