"""`flask records purge`: remove what the retention schedule says is past its time.

One transaction. Each record removed leaves a tombstone (kind, id, dates, who purged, the rule);
the run writes one audit entry with the counts. A concern under legal hold is never purged, nor
the audit entries about it, nor its alert rows. Safe from cron on every host at once: on
PostgreSQL the run takes a transaction-scoped advisory lock and a run that cannot get it does
nothing; SQLite lets one writer in at a time (BEGIN IMMEDIATE), so a second run waits and then
finds nothing left to do.
"""
import dataclasses
import datetime as dt

from flask import current_app
from sqlalchemy import delete, exists, select, text

from ..accounts.models import DeviceKey
from ..alerts.models import AlertJob, SmsJob
from ..alerts.states import WAITING
from ..audit.log import record
from ..audit.models import AuditEvent
from ..clock import utcnow
from ..concerns.lifecycle import Status
from ..concerns.models import Concern
from ..extensions import db
from . import retention
from .models import LegalHold, Tombstone

# A job still moving (pending or sending, push and SMS alike) is never purged, however old.
_LOCK_KEY = 0x5AFE_0024  # one purge at a time across every host (PostgreSQL advisory lock)
_CHUNK = 500


@dataclasses.dataclass(frozen=True)
class Due:
    kind: str
    record_id: str
    created_at: dt.datetime | None
    ended_at: dt.datetime | None


def _held(column):
    return exists().where(LegalHold.concern_id == column)


def _candidates(kind: str, cutoff: dt.datetime) -> list[Due]:
    if kind == "closed_concerns":
        rows = db.session.execute(select(Concern.id, Concern.created_at, Concern.closed_at).where(
            Concern.status == Status.CLOSED.value, Concern.closed_at <= cutoff, ~_held(Concern.id)))
    elif kind == "drafts":
        rows = db.session.execute(select(Concern.id, Concern.created_at, Concern.updated_at).where(
            Concern.status == Status.DRAFT.value, Concern.updated_at <= cutoff, ~_held(Concern.id)))
    elif kind == "audit":
        rows = db.session.execute(select(AuditEvent.id, AuditEvent.at, AuditEvent.at).where(
            AuditEvent.at <= cutoff, ~_held(AuditEvent.object_id)))
    elif kind in ("push_jobs", "sms_jobs"):
        model = AlertJob if kind == "push_jobs" else SmsJob
        rows = db.session.execute(select(model.id, model.created_at, model.updated_at).where(
            model.status.not_in(WAITING), model.updated_at <= cutoff,
            model.concern_id.is_(None) | ~_held(model.concern_id)))
    else:  # sessions: a device key lives as long as its session, which ends by the absolute limit
        lifetime = dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
        rows = ((key_id, created, created + lifetime) for key_id, created in db.session.execute(
            select(DeviceKey.id, DeviceKey.created_at).where(DeviceKey.created_at <= cutoff - lifetime)))
    return [Due(kind, str(record_id), created, ended) for record_id, created, ended in rows]


def _chunks(ids: list):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _remove_concerns(ids: list[str]) -> None:
    """The concerns and every row that hangs on them (revisions, actions, grants, alert rows...)."""
    concerns = db.metadata.tables["concerns"]
    dependants = [(table, fk.parent) for table in db.metadata.sorted_tables
                  for fk in table.foreign_keys if fk.column.table is concerns]
    for chunk in _chunks(ids):
        for table, column in dependants:
            db.session.execute(delete(table).where(column.in_(chunk)))
        db.session.execute(delete(Concern).where(Concern.id.in_(chunk)))


_REMOVE = {
    "closed_concerns": _remove_concerns,
    "drafts": _remove_concerns,
    "audit": lambda ids: [db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(c)))
                          for c in _chunks([int(i) for i in ids])],
    "push_jobs": lambda ids: [db.session.execute(delete(AlertJob).where(AlertJob.id.in_(c)))
                              for c in _chunks([int(i) for i in ids])],
    "sms_jobs": lambda ids: [db.session.execute(delete(SmsJob).where(SmsJob.id.in_(c)))
                             for c in _chunks([int(i) for i in ids])],
    "sessions": lambda ids: [db.session.execute(delete(DeviceKey).where(DeviceKey.id.in_(c)))
                             for c in _chunks([int(i) for i in ids])],
}


def _lock() -> bool:
    if db.engine.dialect.name != "postgresql":
        return True  # SQLite: BEGIN IMMEDIATE (database.py) already lets one writer in
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _LOCK_KEY}))


def plan(now: dt.datetime | None = None) -> dict[str, list[Due]]:
    """What is past its time now, kind by kind (reads only)."""
    now = now or utcnow()
    rules = retention.schedule(current_app.config.get("RETENTION"))
    return {kind: _candidates(kind, retention.before(now, retention.parse_duration(rules[kind])))
            for kind in retention.KINDS}


def run(purged_by: str, *, now: dt.datetime | None = None, before_commit=None) -> dict | None:
    """Purge in one transaction; the counts by kind, or None when another run holds the lock.

    `before_commit` is called with the lock held and the work done, before the commit (the
    tests hold a run there to start a second one alongside it)."""
    if not _lock():
        db.session.rollback()
        return None
    now = now or utcnow()
    rules = retention.schedule(current_app.config.get("RETENTION"))
    due = plan(now)
    # A job row of a concern purged now goes with the concern, under the concern's tombstone.
    gone = [d.record_id for d in due["closed_concerns"] + due["drafts"]]
    for kind, model in (("push_jobs", AlertJob), ("sms_jobs", SmsJob)):
        taken = {str(i) for chunk in _chunks(gone) for i in db.session.scalars(
            select(model.id).where(model.concern_id.in_(chunk)))}
        due[kind] = [d for d in due[kind] if d.record_id not in taken]
    counts = {}
    for kind in retention.KINDS:
        rows = due[kind]
        rule = f"{kind}={rules[kind]}"
        db.session.add_all(Tombstone(kind=kind, record_id=d.record_id, created_at=d.created_at,
                                     ended_at=d.ended_at, purged_at=now, purged_by=purged_by, rule=rule)
                           for d in rows)
        _REMOVE[kind]([d.record_id for d in rows])
        counts[kind] = len(rows)
    record("records_purge", "records", "*", detail={"counts": counts, "schedule": rules, "by": purged_by})
    if before_commit:
        before_commit()
    db.session.commit()
    return counts
