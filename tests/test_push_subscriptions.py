"""Subscriptions: only real push services, valid keys, owners only; duty status; keys and config."""
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from backend import create_app
from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.push.models import PushSubscription
from tests.push_support import b64url, push_app, receiver, signed_in, unb64url  # noqa: F401

P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


def body(endpoint, **extra):
    return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": P256DH, "auth": AUTH},
            **extra}


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PushSubscription))


@pytest.mark.parametrize("endpoint", [
    "http://fcm.googleapis.com/fcm/send/abc",              # not https
    "https://203.0.113.7/push/abc",                        # IP literal
    "https://[2001:db8::1]/push/abc",
    "https://2130706433/push/abc",                          # 127.0.0.1 in disguise
    "https://localhost/push/abc",
    "http://127.0.0.1:8080/push/abc",                       # the test receiver's shape
    "https://push.example.com/abc",                         # not a push service
    "https://fcm.googleapis.com.attacker.example/abc",      # suffix trick
    "https://evilpush.apple.com/abc",                       # "*.push.apple.com" is a subdomain
    "https://user:secret@fcm.googleapis.com/fcm/send/abc",  # credentials
    "https://fcm.googleapis.com:8443/fcm/send/abc",         # other port
    "ftp://fcm.googleapis.com/abc",
    "not a url at all",
])
def test_an_endpoint_that_is_not_a_push_service_is_refused_and_nothing_stored(app, device, endpoint):
    response = device("manager").post("/api/push/subscriptions", body(endpoint))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed" and error["fields"]["endpoint"]
    assert stored(app) == 0


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh",
    "https://web.push.apple.com/QGuQyavXutnMbKkIl2vUtE4y",
    "https://api.push.apple.com/3/device/abc",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
])
def test_the_real_push_services_are_accepted(app, device, endpoint):
    response = device("manager").post("/api/push/subscriptions", body(endpoint, device_label="Phone"))
    assert response.status_code == 200, response.json
    assert response.json["endpoint"] == endpoint and response.json["device_label"] == "Phone"
    assert stored(app) == 1


@pytest.mark.parametrize("keys, field", [
    ({"p256dh": P256DH[:-4], "auth": AUTH}, "keys.p256dh"),                 # too short
    ({"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": AUTH}, "keys.p256dh"),  # not on the curve
    ({"p256dh": P256DH, "auth": b64url(b"x" * 12)}, "keys.auth"),           # 12 bytes, not 16
    ({"p256dh": P256DH, "auth": "not base64!"}, "keys.auth"),
    ({"p256dh": P256DH}, "keys.auth"),
    ({"p256dh": P256DH, "auth": AUTH, "extra": "x"}, "keys.extra"),
])
def test_keys_a_browser_could_not_have_made_are_refused(app, device, keys, field):
    response = device("manager").post("/api/push/subscriptions", {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys})
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert stored(app) == 0


def test_unknown_fields_and_oversized_labels_are_refused(app, device):
    manager = device("manager")
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    assert manager.post("/api/push/subscriptions", body(endpoint, admin=True)).status_code == 422
    assert manager.post("/api/push/subscriptions", body(endpoint, device_label="x" * 81)).status_code == 422
    assert manager.post("/api/push/subscriptions", body("https://fcm.googleapis.com/" + "a" * 1100)).status_code == 422
    assert stored(app) == 0


def test_only_managers_and_admins_subscribe_and_every_change_needs_csrf(app, device):
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    assert device("worker").post("/api/push/subscriptions", body(endpoint)).status_code == 403
    anonymous = device()
    anonymous.refresh_csrf()
    assert anonymous.post("/api/push/subscriptions", body(endpoint)).status_code == 401
    manager = device("manager")
    forged = manager.client.post("/api/push/subscriptions", json=body(endpoint))
    assert forged.status_code == 403 and forged.json["error"]["code"] == "csrf_failed"
    assert stored(app) == 0
    assert device("admin").post("/api/push/subscriptions", body(endpoint)).status_code == 200


def test_subscribing_again_replaces_the_row_and_replaces_drops_the_old_endpoint(app, device):
    manager = device("manager")
    old, new = "https://fcm.googleapis.com/fcm/send/old", "https://fcm.googleapis.com/fcm/send/new"
    first = manager.post("/api/push/subscriptions", body(old)).json
    again = manager.post("/api/push/subscriptions", body(old, device_label="Phone")).json
    assert again["id"] == first["id"] and again["device_label"] == "Phone"
    manager.post("/api/push/subscriptions", body(new, replaces=old))
    assert [s["endpoint"] for s in manager.get("/api/push/subscriptions").json["subscriptions"]] == [new]


def test_only_the_owner_can_remove_a_subscription(app, device):
    endpoint = "https://fcm.googleapis.com/fcm/send/mine"
    manager, other = device("manager"), device("manager2")
    manager.post("/api/push/subscriptions", body(endpoint))

    def delete(api):
        return api.client.delete("/api/push/subscriptions", json={"endpoint": endpoint},
                                 headers={"X-CSRFToken": api.csrf})

    assert delete(other).status_code == 404
    assert stored(app) == 1
    assert manager.client.delete("/api/push/subscriptions", json={"endpoint": endpoint}).status_code == 403
    assert delete(manager).json == {"ok": True}
    assert stored(app) == 0
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "push_subscription")).all()
    assert actions == ["push_subscribe", "push_unsubscribe"]


def test_a_manager_marks_themselves_on_and_off_duty(app, device):
    manager = device("manager")
    assert manager.get("/api/push/duty").json == {"on_duty": False}
    assert manager.post("/api/push/duty", {"on_duty": True}).json == {"on_duty": True}
    assert manager.get("/api/push/duty").json == {"on_duty": True}
    assert manager.post("/api/push/duty", {"on_duty": "maybe"}).status_code == 422
    assert manager.post("/api/push/duty", {"on_duty": False}).json == {"on_duty": False}
    assert device("worker").post("/api/push/duty", {"on_duty": True}).status_code == 403


def test_only_admins_see_the_job_list(device):
    assert device("manager").get("/api/push/jobs").status_code == 403
    assert device("worker").get("/api/push/jobs").status_code == 403
    assert device("admin").get("/api/push/jobs?status=bogus").status_code == 422
    assert device("admin").get("/api/push/jobs").json == {"jobs": [], "counts": {}}


def test_push_init_creates_a_private_key_once_and_serves_its_public_half(push_app, tmp_path):
    path = push_app.config["VAPID_PRIVATE_KEY_FILE"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = Path(path).read_bytes()
    result = push_app.test_cli_runner().invoke(args=["push", "init"])
    assert "kept existing" in result.output and Path(path).read_bytes() == before
    key = push_app.test_client().get("/api/push/public-key").json["public_key"]
    point = unb64url(key)
    assert len(point) == 65 and point[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)


def test_without_a_key_the_public_key_is_null(app, tmp_path):
    app.config["VAPID_PRIVATE_KEY_FILE"] = str(tmp_path / "absent.pem")
    assert app.test_client().get("/api/push/public-key").json == {"public_key": None}


def test_the_loopback_receiver_allowance_is_refused_outside_tests(monkeypatch):
    monkeypatch.setenv("SAFEVISIT_ENV", "development")
    monkeypatch.setenv("SAFEVISIT_PUSH_TEST_RECEIVER", "1")
    with pytest.raises(RuntimeError, match="test suite only"):
        create_app()


def test_the_test_receiver_is_accepted_only_in_the_test_configuration(app, device, push_app,
                                                                      receiver, signed_in):
    subscription = receiver.subscription("phone")
    assert device("manager").post("/api/push/subscriptions", subscription).status_code == 422
    assert signed_in("manager").post("/api/push/subscriptions", subscription).status_code == 200


def test_the_same_new_subscription_sent_from_ten_tabs_at_once_is_stored_once(app, device):
    import threading
    manager = device("manager")
    subscription = body("https://fcm.googleapis.com/fcm/send/racing")
    barrier, statuses, errors = threading.Barrier(10), [], []

    def send():
        try:
            barrier.wait()
            statuses.append(manager.client.post("/api/push/subscriptions", json=subscription,
                                                headers={"X-CSRFToken": manager.csrf}).status_code)
        except Exception as err:  # surfaced below: a thread's failure must fail the test
            errors.append(err)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and statuses == [200] * 10
    assert stored(app) == 1
