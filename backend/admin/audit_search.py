"""The audit log searched by person, concern and date, and exported as CSV for a spreadsheet."""
import csv
import datetime as dt
import io

from sqlalchemy import and_, or_, select

from ..accounts.models import User
from ..audit.models import AuditEvent
from ..extensions import db

EXPORT_LIMIT = 10_000
COLUMNS = ("id", "at", "username", "user_id", "action", "object_type", "object_id", "address", "detail")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection; OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def query(args: dict):
    """The events matching the filters, newest first, each with the actor's username."""
    stmt = (select(AuditEvent, User.username).outerjoin(User, User.id == AuditEvent.user_id)
            .order_by(AuditEvent.id.desc()))
    if "person" in args:
        uid = db.session.scalar(select(User.id).filter_by(username=args["person"].strip().lower()))
        if uid is None:
            return None
        # What they did, and what was done to their account (created, deactivated, codes).
        stmt = stmt.where(or_(AuditEvent.user_id == uid,
                              and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(uid))))
    if "concern" in args:
        # Events about the concern, and list reads whose detail names it among the ids disclosed.
        stmt = stmt.where(or_(and_(AuditEvent.object_type == "concern", AuditEvent.object_id == args["concern"]),
                              AuditEvent.detail.contains(args["concern"], autoescape=True)))
    if "from_" in args:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(args["from_"], dt.time()))
    if "to" in args:
        stmt = stmt.where(AuditEvent.at < dt.datetime.combine(args["to"] + dt.timedelta(days=1), dt.time()))
    return stmt


def page(args: dict) -> dict:
    stmt = query(args)
    if stmt is None:
        return {"events": [], "next": None}
    if "before" in args:
        stmt = stmt.where(AuditEvent.id < args["before"])
    rows = db.session.execute(stmt.limit(args["limit"] + 1)).all()
    more = len(rows) > args["limit"]
    events = [_event(event, username) for event, username in rows[:args["limit"]]]
    return {"events": events, "next": events[-1]["id"] if more else None}


def _event(event: AuditEvent, username: str | None) -> dict:
    return {"id": event.id, "at": event.at, "user_id": event.user_id, "username": username,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "address": event.address, "detail": event.detail}


def neutralised(value) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading ' before a formula character."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export(args: dict) -> tuple[str, int]:
    """CSV text of up to EXPORT_LIMIT matching events, and how many it holds."""
    stmt = query(args)
    rows = [] if stmt is None else db.session.execute(stmt.limit(EXPORT_LIMIT)).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for event, username in rows:
        at = event.at.replace(tzinfo=dt.timezone.utc).isoformat()
        writer.writerow([neutralised(v) for v in (event.id, at, username, event.user_id, event.action,
                                                  event.object_type, event.object_id, event.address,
                                                  event.detail)])
    return out.getvalue(), len(rows)
