"""`GET /api/ready`: may this process take traffic, and are alerts being sent?

`/api/health` stays a liveness check (the process is up and the database answers), for a
supervisor deciding whether to restart the process. Readiness is for a load balancer and for
monitoring: 200 only when the database answers, its schema is at the migrations' head, the
VAPID key is loaded and an alert worker was seen within SAFEVISIT_WORKER_STALE_SECONDS;
otherwise 503 with every failed check in `reasons`.
"""
import os
from functools import lru_cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from ..extensions import db
from ..push import keys
from ..push import heartbeats

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


@lru_cache(maxsize=1)
def script_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(MIGRATIONS).get_heads())


def _database_heads() -> frozenset[str]:
    connection = db.session.connection()
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def checks(now=None) -> tuple[list[str], dict]:
    """(reasons the app is not ready, the alert worker state); no reasons means ready."""
    reasons = []
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return ["The database is not answering."], {"state": "unknown", "last_seen": None}
    try:
        if _database_heads() != script_heads():
            reasons.append("The database schema is not at the latest migration: "
                           "run `flask --app wsgi db upgrade`.")
        state = heartbeats.alerting(now)
    except Exception:
        db.session.rollback()
        return ["The database is not answering."], {"state": "unknown", "last_seen": None}
    finally:
        db.session.rollback()  # read-only: release the connection's transaction
    try:
        keys.load(current_app.config["VAPID_PRIVATE_KEY_FILE"])
    except (keys.KeyMissing, ValueError, OSError):
        reasons.append("The VAPID key is not loaded: run `flask --app wsgi push init`.")
    if state["state"] != "ok":
        seen = state["last_seen"]
        reasons.append("No alert worker was seen in the last "
                       f"{current_app.config['WORKER_STALE_SECONDS']:g} seconds"
                       + (f" (last seen {seen.isoformat(timespec='seconds')}Z)." if seen
                          else " (none has ever run).")
                       + " Urgent alerts are not being sent: start `flask --app wsgi push worker`.")
    return reasons, state

