"""`/api/push/jobs`, `/api/push/test-alerts` and `/api/push/coverage`: the alert queue for
admins, a test alert to one's own channels, and whether anyone on duty can be reached."""
from flask import Blueprint, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import api
from ..accounts.capabilities import ALL_TEAMS, READ_QUEUE, RECEIVE_ALERTS, require
from ..api import declare
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db
from . import checks, confirmations
from .models import AlertJob
from .schemas import (CoverageSchema, JobListArgsSchema, JobListSchema, TestAckResultSchema, TestAckSchema,
                      TestAlertRequestSchema, TestAlertSchema)

bp = Blueprint("alerts", __name__, url_prefix="/api/push")


@bp.get("/jobs")
@declare("Alert jobs and their status (admin)",
         query=JobListArgsSchema, answers=JobListSchema, errors=[401, 403])
def list_jobs():
    user = require(ALL_TEAMS)  # every team's alerts
    args = api.query()
    query = (select(AlertJob).order_by(AlertJob.id.desc()).limit(args["limit"])
             .options(selectinload(AlertJob.recipient), selectinload(AlertJob.subscription)))
    for name in ("status", "kind", "concern_id"):
        if name in args:
            query = query.where(getattr(AlertJob, name) == args[name])
    counts = dict(db.session.execute(select(AlertJob.status, func.count())
                                     .group_by(AlertJob.status)).all())
    jobs = db.session.scalars(query).all()
    record("list", "push_job", "*", user=user, detail={
        "count": len(jobs), "concern_ids": sorted({job.concern_id for job in jobs if job.concern_id})})
    db.session.commit()
    return JobListSchema().dump({"jobs": jobs, "counts": counts})


@bp.post("/test-alerts")
@declare("Send me a test alert (to each of my subscriptions)",
         body=TestAlertRequestSchema, answers=TestAlertSchema, errors=[401, 403, 409])
def send_test_alert():
    user = require(RECEIVE_ALERTS)
    api.body()
    queued = checks.queue_test(user)
    if not queued:
        raise ApiError(409, "This account has no alert channel: turn on alerts on this phone first.",
                       "no_push_subscription")
    db.session.commit()
    return TestAlertSchema().dump({"queued": queued})


@bp.post("/test-alerts/ack")
@declare("A test alert's notification was acted on: the channel works",
         body=TestAckSchema, answers=TestAckResultSchema, errors=[401, 403, 404, 409])
def acknowledge_test_alert():
    # Called by the service worker (cookie and CSRF token, no device key): it carries no
    # personal data, and the token only ever marks the caller's own channel (confirmations.py).
    user = require(RECEIVE_ALERTS)
    body = api.body()
    subscription_id = confirmations.acknowledge(user, body["token"], body["endpoint"], body["auth"],
                                                current_app.config["SECRET_KEY"])
    db.session.commit()
    return TestAckResultSchema().dump({"ok": True, "subscription_id": subscription_id})


@bp.get("/coverage")
@declare("Whether someone on duty now has a working alert channel, per team",
         answers=CoverageSchema, errors=[401, 403])
def coverage():
    user = require(READ_QUEUE)  # the queue's warning
    return CoverageSchema().dump({"teams": checks.coverage(user)})
