"""`/api/push/jobs`, `/api/push/test-alerts` and `/api/push/coverage`: the alert queue for
admins, a test alert to one's own channels, and whether anyone on duty can be reached."""
from flask import Blueprint, current_app, request
from sqlalchemy import func, select

from .. import openapi
from ..accounts.capabilities import ALL_TEAMS, READ_QUEUE, RECEIVE_ALERTS, require
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db
from ..requests import json_body
from . import checks
from .models import AlertJob
from .schemas import (CoverageSchema, JobListArgsSchema, JobListSchema, TestAckResultSchema, TestAckSchema,
                      TestAlertRequestSchema, TestAlertSchema)

bp = Blueprint("alerts", __name__, url_prefix="/api/push")

_BODY_ERRORS = [400, 401, 403, 413, 415, 422]
openapi.EXTRA_OPERATIONS.extend([
    ("get", "/api/push/jobs", "Alert jobs and their status (admin)", None, JobListArgsSchema,
     JobListSchema, [], [401, 403, 422]),
    ("post", "/api/push/test-alerts", "Send me a test alert (to each of my subscriptions)",
     TestAlertRequestSchema, None, TestAlertSchema, [], _BODY_ERRORS + [409]),
    ("post", "/api/push/test-alerts/ack", "A test alert's notification was acted on: the channel works",
     TestAckSchema, None, TestAckResultSchema, [], _BODY_ERRORS + [404]),
    ("get", "/api/push/coverage", "Whether someone on duty now has a working alert channel, per team",
     None, None, CoverageSchema, [], [401, 403]),
])


@bp.get("/jobs")
def list_jobs():
    user = require(ALL_TEAMS)  # every team's alerts
    args = JobListArgsSchema().load(request.args.to_dict())
    query = select(AlertJob).order_by(AlertJob.id.desc()).limit(args["limit"])
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
def send_test_alert():
    user = require(RECEIVE_ALERTS)
    json_body(TestAlertRequestSchema())
    queued = checks.queue_test(user)
    if not queued:
        raise ApiError(409, "This account has no alert channel: turn on alerts on this phone first.",
                       "no_push_subscription")
    db.session.commit()
    return TestAlertSchema().dump({"queued": queued})


@bp.post("/test-alerts/ack")
def acknowledge_test_alert():
    # Called by the service worker (cookie and CSRF token, no device key): it carries no
    # personal data, and the token only ever marks the caller's own channel.
    user = require(RECEIVE_ALERTS)
    body = json_body(TestAckSchema())
    subscription_id = checks.confirm_test(user, body["token"], current_app.config["SECRET_KEY"])
    db.session.commit()
    return TestAckResultSchema().dump({"ok": True, "subscription_id": subscription_id})


@bp.get("/coverage")
def coverage():
    user = require(READ_QUEUE)  # the queue's warning
    return CoverageSchema().dump({"teams": checks.coverage(user)})
