"""`/api/push`: the public key, subscriptions, duty status, and the job list for admins."""
import hmac

from flask import Blueprint, current_app, request
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .. import openapi
from ..accounts.capabilities import ALL_TEAMS, MANAGE_CONCERNS, READ_QUEUE, RECEIVE_ALERTS, require
from ..accounts.schemas import OkSchema
from ..accounts.sessions import require_user
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db
from ..procedures.models import utcnow
from ..requests import json_body
from . import channels, endpoints, keys, test_acks
from .models import AlertJob, PushSubscription
from .schemas import (CoverageSchema, DutySchema, JobListArgsSchema, JobListSchema,
                      PublicKeySchema, SubscribeSchema, SubscriptionListSchema,
                      SubscriptionSchema, TestAckResultSchema, TestAckSchema,
                      TestAlertRequestSchema, TestAlertSchema, UnsubscribeSchema)

bp = Blueprint("push", __name__, url_prefix="/api/push")

# Who receives alerts, and so who may subscribe.

_BODY_ERRORS = [400, 401, 403, 413, 415, 422]
openapi.EXTRA_OPERATIONS.extend([
    ("get", "/api/push/public-key", "The VAPID public key (applicationServerKey)", None, None,
     PublicKeySchema, [], []),
    ("get", "/api/push/subscriptions", "This user's push subscriptions", None, None,
     SubscriptionListSchema, [], [401, 403]),
    ("post", "/api/push/subscriptions", "Store (or replace) this browser's push subscription",
     SubscribeSchema, None, SubscriptionSchema, [], _BODY_ERRORS + [409]),
    ("delete", "/api/push/subscriptions", "Remove this browser's push subscription",
     UnsubscribeSchema, None, OkSchema, [], _BODY_ERRORS + [404]),
    ("get", "/api/push/duty", "Whether this manager is on duty", None, None, DutySchema, [],
     [401, 403]),
    ("post", "/api/push/duty", "Go on or off duty (duty manager)", DutySchema, None, DutySchema,
     [], _BODY_ERRORS),
    ("get", "/api/push/jobs", "Alert jobs and their status (admin)", None, JobListArgsSchema,
     JobListSchema, [], [401, 403, 422]),
    ("post", "/api/push/test-alerts", "Send me a test alert (to each of my subscriptions)",
     TestAlertRequestSchema, None, TestAlertSchema, [], _BODY_ERRORS + [409]),
    ("post", "/api/push/test-alerts/ack", "A test alert's notification was acted on: the channel works",
     TestAckSchema, None, TestAckResultSchema, [], _BODY_ERRORS + [404, 409]),
    ("get", "/api/push/coverage", "Whether someone on duty now has a working alert channel, per team",
     None, None, CoverageSchema, [], [401, 403]),
])


@bp.get("/public-key")
def public_key():
    # null until `flask push init` has run: the PWA then says alerts are not available
    # rather than offering a switch that cannot work.
    try:
        key = keys.public_key(current_app.config["VAPID_PRIVATE_KEY_FILE"])
    except keys.KeyMissing as err:
        current_app.logger.warning("%s", err)
        key = None
    return PublicKeySchema().dump({"public_key": key})


def _checked_endpoint(url: str, field: str = "endpoint") -> str:
    config = current_app.config
    try:
        return endpoints.check(url, config["PUSH_ALLOWED_HOSTS"], bool(config.get("PUSH_TEST_RECEIVER")))
    except endpoints.EndpointRefused as err:
        raise ApiError(422, "This is not a push service's endpoint.", fields={field: [str(err)]}) from None


@bp.get("/subscriptions")
def list_subscriptions():
    user = require(RECEIVE_ALERTS)
    rows = db.session.scalars(select(PushSubscription).filter_by(user_id=user.id)
                              .order_by(PushSubscription.id)).all()
    return SubscriptionListSchema().dump({"subscriptions": rows})


@bp.post("/subscriptions")
def subscribe():
    user = require(RECEIVE_ALERTS)
    body = json_body(SubscribeSchema())
    host = _checked_endpoint(body["endpoint"])
    try:
        row = _store(user, body, host)
    except IntegrityError:
        # Two tabs sent the same new endpoint at once and the other insert won:
        # the row exists now, so this second pass updates it.
        db.session.rollback()
        row = _store(user, body, host)
    # 200 whether new or replaced: the browser re-sends the same subscription on every open.
    return SubscriptionSchema().dump(row)


def _store(user, body: dict, host: str) -> PushSubscription:
    now = utcnow()
    if body.get("replaces") and body["replaces"] != body["endpoint"]:
        # Only the user's own old subscription: an endpoint is no licence to delete others'.
        gone = db.session.execute(delete(PushSubscription).where(
            PushSubscription.endpoint == body["replaces"], PushSubscription.user_id == user.id))
        if gone.rowcount:
            record("push_unsubscribe", "push_subscription", "replaced", user=user)
    row = db.session.scalar(select(PushSubscription).filter_by(endpoint=body["endpoint"])
                            .with_for_update())
    created = row is None
    if created:
        row = PushSubscription(endpoint=body["endpoint"], created_at=now)
        db.session.add(row)
    elif row.user_id != user.id:
        # Another account signed in on this browser before: the browser now alerts this user.
        # But an endpoint is no secret (it is in localStorage and push-service logs): only
        # the browser holding the subscription has its auth secret, so without the same keys
        # the subscription stays with its owner.
        if not (hmac.compare_digest(row.auth, body["keys"]["auth"])
                and row.p256dh == body["keys"]["p256dh"]):
            db.session.rollback()
            raise ApiError(409, "This push subscription belongs to another browser.",
                           "push_subscription_taken")
        record("push_subscription_moved", "push_subscription", str(row.id), user=user,
               detail={"from_user_id": row.user_id})
    if not created and (row.user_id, row.p256dh, row.auth) != (
            user.id, body["keys"]["p256dh"], body["keys"]["auth"]):
        # New keys or a new owner: what was proven of the old channel says nothing of this one.
        row.last_success_at = row.last_failure_at = row.last_failure = row.confirmed_at = None
    row.user_id, row.p256dh, row.auth = user.id, body["keys"]["p256dh"], body["keys"]["auth"]
    row.expiration_time, row.device_label, row.updated_at = (
        body["expiration_time"], body["device_label"], now)
    db.session.flush()
    record("push_subscribe", "push_subscription", str(row.id), user=user,
           detail={"created": created, "host": host})
    db.session.commit()
    return row


@bp.delete("/subscriptions")
def unsubscribe():
    user = require_user()
    body = json_body(UnsubscribeSchema())
    row = db.session.scalar(select(PushSubscription).filter_by(endpoint=body["endpoint"],
                                                              user_id=user.id))
    if row is None:  # also when it is someone else's: no hint that it exists
        raise ApiError(404, "No such subscription.")
    record("push_unsubscribe", "push_subscription", str(row.id), user=user)
    db.session.delete(row)
    db.session.commit()
    return OkSchema().dump({"ok": True})


@bp.get("/duty")
def get_duty():
    user = require(MANAGE_CONCERNS)  # the managers who take the team's concerns go on duty
    return DutySchema().dump({"on_duty": user.on_duty})


@bp.post("/duty")
def set_duty():
    user = require(MANAGE_CONCERNS)
    body = json_body(DutySchema())
    if user.on_duty != body["on_duty"]:
        user.on_duty = body["on_duty"]
        record("duty_on" if user.on_duty else "duty_off", "user", str(user.id), user=user)
        db.session.commit()
    return DutySchema().dump({"on_duty": user.on_duty})


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
    queued = channels.queue_test(user)
    if not queued:
        raise ApiError(409, "This account has no alert channel: turn on alerts on this phone first.",
                       "no_push_subscription")
    db.session.commit()
    return TestAlertSchema().dump({"queued": queued})


@bp.post("/test-alerts/ack")
def acknowledge_test_alert():
    # Called by the service worker (cookie and CSRF token, no device key): it carries no
    # personal data, and the token only ever marks the caller's own channel (test_acks.py).
    user = require(RECEIVE_ALERTS)
    body = json_body(TestAckSchema())
    subscription_id = test_acks.acknowledge(user, body["token"], body["endpoint"],
                                            current_app.config["SECRET_KEY"])
    db.session.commit()
    return TestAckResultSchema().dump({"ok": True, "subscription_id": subscription_id})


@bp.get("/coverage")
def coverage():
    user = require(READ_QUEUE)  # the queue's warning
    return CoverageSchema().dump({"teams": channels.coverage(user)})
