"""`/api/push`: the public key, this browser's subscription, and a manager's duty switch."""
import hmac

from flask import Blueprint, current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .. import api
from ..accounts.capabilities import MANAGE_CONCERNS, RECEIVE_ALERTS, require
from ..accounts.schemas import OkSchema
from ..accounts.sessions import require_user
from ..api import declare
from ..audit.log import record
from ..clock import utcnow
from ..errors import ApiError
from ..extensions import db
from . import endpoints, keys
from .models import PushSubscription
from .schemas import (DutySchema, PublicKeySchema, SubscribeSchema, SubscriptionListSchema,
                      SubscriptionSchema, UnsubscribeSchema)

bp = Blueprint("push", __name__, url_prefix="/api/push")

# Who receives alerts, and so who may subscribe.


@bp.get("/public-key")
@declare("The VAPID public key (applicationServerKey)", answers=PublicKeySchema)
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
@declare("This user's push subscriptions", answers=SubscriptionListSchema, errors=[401, 403])
def list_subscriptions():
    user = require(RECEIVE_ALERTS)
    rows = db.session.scalars(select(PushSubscription).filter_by(user_id=user.id)
                              .order_by(PushSubscription.id)).all()
    return SubscriptionListSchema().dump({"subscriptions": rows})


@bp.post("/subscriptions")
@declare("Store (or replace) this browser's push subscription",
         body=SubscribeSchema, answers=SubscriptionSchema, errors=[401, 403, 409])
def subscribe():
    user = require(RECEIVE_ALERTS)
    body = api.body()
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
@declare("Remove this browser's push subscription",
         body=UnsubscribeSchema, answers=OkSchema, errors=[401, 403, 404])
def unsubscribe():
    user = require_user()
    body = api.body()
    row = db.session.scalar(select(PushSubscription).filter_by(endpoint=body["endpoint"],
                                                              user_id=user.id))
    if row is None:  # also when it is someone else's: no hint that it exists
        raise ApiError(404, "No such subscription.")
    record("push_unsubscribe", "push_subscription", str(row.id), user=user)
    db.session.delete(row)
    db.session.commit()
    return OkSchema().dump({"ok": True})


@bp.get("/duty")
@declare("Whether this manager is on duty", answers=DutySchema, errors=[401, 403])
def get_duty():
    user = require(MANAGE_CONCERNS)  # the managers who take the team's concerns go on duty
    return DutySchema().dump({"on_duty": user.on_duty})


@bp.post("/duty")
@declare("Go on or off duty (duty manager)", body=DutySchema, answers=DutySchema, errors=[401, 403])
def set_duty():
    user = require(MANAGE_CONCERNS)
    body = api.body()
    if user.on_duty != body["on_duty"]:
        user.on_duty = body["on_duty"]
        record("duty_on" if user.on_duty else "duty_off", "user", str(user.id), user=user)
        db.session.commit()
    return DutySchema().dump({"on_duty": user.on_duty})
