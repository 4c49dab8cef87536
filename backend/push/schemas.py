"""Request and response bodies of the push API."""
import base64
import binascii
import time

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import Schema, ValidationError, fields, validate

from ..fields import UtcDateTime
from . import health

ENDPOINT = validate.Length(min=12, max=1024)
YEAR_2200_MS = 7_258_118_400_000


def _not_expired(value: int | None) -> None:
    """A subscription that has already expired, or claims to last past 2200, is not a browser's."""
    if value is not None and not time.time() * 1000 < value < YEAR_2200_MS:
        raise ValidationError("Must be a time in the future (milliseconds since 1970), or null.")


def _b64url(value: str) -> bytes:
    if not value or not all(c.isalnum() or c in "-_=" for c in value):
        raise ValidationError("Must be base64url.")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError("Must be base64url.") from None


def _p256dh(value: str) -> None:
    raw = _b64url(value)
    if len(raw) != 65 or raw[0] != 4:
        raise ValidationError("Must be an uncompressed P-256 public key (65 bytes).")
    try:  # on the curve, not merely the right length
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise ValidationError("Is not a point on P-256.") from None


def _auth(value: str) -> None:
    if len(_b64url(value)) != 16:
        raise ValidationError("Must be a 16-byte authentication secret.")


class KeysSchema(Schema):
    p256dh = fields.Str(required=True, validate=[validate.Length(max=100), _p256dh])
    auth = fields.Str(required=True, validate=[validate.Length(max=40), _auth])


class SubscribeSchema(Schema):
    """`PushSubscription.toJSON()` as the browser gives it, plus an optional device label."""
    endpoint = fields.Str(required=True, validate=ENDPOINT)
    expiration_time = fields.Int(data_key="expirationTime", allow_none=True, load_default=None,
                                 strict=True, validate=_not_expired)
    keys = fields.Nested(KeysSchema, required=True)
    device_label = fields.Str(load_default="", validate=validate.Length(max=80))
    replaces = fields.Str(validate=ENDPOINT, metadata={
        "description": "The endpoint this subscription replaces (pushsubscriptionchange); removed."})


class UnsubscribeSchema(Schema):
    endpoint = fields.Str(required=True, validate=ENDPOINT)


class SubscriptionSchema(Schema):
    id = fields.Int(dump_only=True)
    endpoint = fields.Str(dump_only=True)
    device_label = fields.Str(dump_only=True)
    expiration_time = fields.Int(dump_only=True, data_key="expirationTime", allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    last_sent_at = UtcDateTime(dump_only=True, allow_none=True)
    health = fields.Method("_health", dump_only=True, metadata={
        "description": "working (a recent delivery or acknowledged test, no failure since), "
                       "failed (the last delivery failed) or unknown (nothing delivered recently)."})
    last_success_at = UtcDateTime(dump_only=True, allow_none=True)
    last_failure_at = UtcDateTime(dump_only=True, allow_none=True)
    confirmed_at = UtcDateTime(dump_only=True, allow_none=True, metadata={
        "description": "When a test alert was last acknowledged from this browser's notification."})

    def _health(self, subscription) -> str:
        return health.state(subscription)


class SubscriptionListSchema(Schema):
    subscriptions = fields.List(fields.Nested(SubscriptionSchema), dump_only=True)


class PublicKeySchema(Schema):
    public_key = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": "applicationServerKey, base64url; null when push is not set up"})


class DutySchema(Schema):
    on_duty = fields.Bool(required=True)
