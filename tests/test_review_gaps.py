"""The smaller gaps an outside review found, each closed and kept closed."""
import json

import pytest
from sqlalchemy import select

from backend.accounts.models import User
from backend.accounts.service import deactivate
from backend.audit.models import AuditEvent
from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db
from backend.push.models import PushSubscription
from tests.test_push_subscriptions import AUTH, P256DH, body
from tests.test_sync import change, count, sync

LOGIN = {"username": "worker", "password": "demo-password-for-tests"}


# --- a) the Origin check compares the scheme too -------------------------------------------

def test_an_http_origin_is_refused_when_the_site_is_served_over_https(app, device):
    # The test configuration has Secure cookies, as production does: the site is https.
    api = device()
    api.refresh_csrf()
    response = api.post("/api/auth/login", LOGIN, headers={"Origin": "http://localhost"})
    assert response.status_code == 403 and response.json["error"]["code"] == "csrf_failed"
    assert api.get("/api/auth/session").json["user"] is None
    assert api.post("/api/auth/login", LOGIN, headers={"Origin": "https://localhost"}).status_code == 200


def test_an_http_origin_is_refused_on_a_request_that_arrived_over_tls(app, device):
    app.config["SESSION_COOKIE_SECURE"] = False  # so only the request's own scheme says https
    api = device()
    api.client.get("/api/auth/session", base_url="https://localhost")
    api.csrf = api.client.get("/api/auth/session", base_url="https://localhost").json["csrf_token"]

    def login(origin):
        return api.client.post("/api/auth/login", json=LOGIN, base_url="https://localhost",
                               headers={"X-CSRFToken": api.csrf, "Origin": origin})

    assert login("http://localhost").status_code == 403
    assert login("https://localhost").status_code == 200


def test_a_plain_http_development_site_still_accepts_its_own_origin(app, device):
    app.config["SESSION_COOKIE_SECURE"] = False  # development on http://127.0.0.1
    api = device()
    api.refresh_csrf()
    assert api.post("/api/auth/login", LOGIN, headers={"Origin": "https://localhost"}).status_code == 403
    assert api.post("/api/auth/login", LOGIN, headers={"Origin": "http://localhost"}).status_code == 200


# --- b) deactivation is reported as such -----------------------------------------------------

def test_a_deactivated_account_is_told_account_deactivated_not_session_ended(app, device):
    worker, manager = device("worker"), device("manager")
    with app.app_context():
        deactivate("worker")
        deactivate("manager")
        db.session.commit()
    response = worker.get("/api/concerns")
    assert response.status_code == 401 and response.json["error"]["code"] == "account_deactivated"
    assert manager.get("/api/auth/session").json["ended"] == "account_deactivated"


# --- c) a list read records which concerns it disclosed --------------------------------------

def _audit_details(app, action, object_type):
    with app.app_context():
        return [json.loads(d) for d in db.session.scalars(
            select(AuditEvent.detail).filter_by(action=action, object_type=object_type)
            .order_by(AuditEvent.id))]


def test_listing_concerns_records_the_ids_it_disclosed(app, device):
    app.config["SYNC_CURSOR_SETTLE_SECONDS"] = 0
    worker, manager = device("worker"), device("manager")
    mine = [change(status="submitted", answers={"case_reference": f"CR-{i}",
                                                "concern_specific_child": True}) for i in range(3)]
    sync(worker, *mine)
    listed = manager.get("/api/concerns").json["concerns"]
    assert {c["id"] for c in listed} == {c["id"] for c in mine}
    detail = _audit_details(app, "list", "concern")[-1]
    assert detail["count"] == 3
    assert sorted(detail["ids"]) == sorted(c["id"] for c in mine)
    manager.get(f"/api/concerns?since={2**31 - 1}")  # an empty page discloses nothing
    assert _audit_details(app, "list", "concern")[-1]["ids"] == []


def test_listing_alert_jobs_records_the_concerns_they_name(app, device):
    from tests.push_support import urgent_change
    manager, worker, admin = device("manager"), device("worker"), device("admin")
    assert manager.post("/api/push/subscriptions",
                        body("https://fcm.googleapis.com/fcm/send/jobs")).status_code == 200
    urgent = urgent_change("6f1d3c1e-6a55-4b8e-9d4f-0c1b2a3d4e5f")
    assert sync(worker, urgent)[0]["result"] == "applied"
    jobs = admin.get("/api/push/jobs").json["jobs"]
    assert {j["concern_id"] for j in jobs} == {urgent["id"]}
    assert _audit_details(app, "list", "push_job")[-1]["concern_ids"] == [urgent["id"]]


# --- d) addenda: only the addendum is kept, and none after closing ---------------------------

def _submitted(worker):
    item = change(status="submitted", answers={"case_reference": "CR-ADD", "concern_specific_child": True,
                                               "worker_assessment": "what was seen"})
    assert sync(worker, item)[0]["result"] == "applied"
    return item


def test_an_addendums_history_keeps_only_the_addendum(app, device):
    worker = device("worker")
    item = _submitted(worker)
    addendum = change(item["id"], base_version=1, status="submitted", addendum="Spoke to the school.",
                      answers={"case_reference": "CR-ADD", "worker_assessment": "REWRITTEN AFTER THE FACT"},
                      notes="notes sent along")
    assert sync(worker, addendum)[0]["result"] == "applied"
    history = worker.get(f"/api/concerns/{item['id']}/history").json["revisions"]
    assert [r["kind"] for r in history] == ["applied", "addendum"]
    assert history[-1]["body"] == {"addendum": "Spoke to the school."}
    concern = worker.get(f"/api/concerns/{item['id']}").json
    assert concern["answers"]["worker_assessment"] == "what was seen"


def test_an_addendum_to_a_closed_concern_is_rejected_and_stores_nothing(app, device):
    worker, manager = device("worker"), device("manager")
    item = _submitted(worker)
    # Closing needs every recommended action marked.
    for action in manager.get(f"/api/concerns/{item['id']}").json["tracked_actions"]:
        marked = manager.patch(f"/api/concerns/{item['id']}/actions/{action['action']}",
                               {"state": "not_needed", "note": "Covered at the visit."})
        assert marked.status_code == 200, marked.json
    closed = manager.post(f"/api/concerns/{item['id']}/decision", {"decision": "No further action.",
                                                                   "close": True})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    version = closed.json["version"]
    result, = sync(worker, change(item["id"], base_version=version, status="submitted",
                                  addendum="One more thing.", answers={"case_reference": "CR-ADD"}))
    assert result["result"] == "rejected" and list(result["errors"]) == ["addendum"]
    assert count(app, ConcernRevision, concern_id=item["id"], kind="addendum") == 0
    with app.app_context():
        assert db.session.get(Concern, item["id"]).version == version


def test_an_addendum_to_an_acknowledged_concern_is_still_accepted(app, device):
    worker, manager = device("worker"), device("manager")
    item = _submitted(worker)
    assert manager.post(f"/api/concerns/{item['id']}/acknowledge", {}).status_code == 200
    result, = sync(worker, change(item["id"], base_version=2, status="submitted",
                                  addendum="Follow-up call done.", answers={"case_reference": "CR-ADD"}))
    assert result["result"] == "applied"


# --- e) knowing someone's push endpoint is no licence to take their alerts -------------------

def test_another_managers_endpoint_cannot_be_moved_to_your_account(app, device):
    endpoint = "https://fcm.googleapis.com/fcm/send/victims-browser"
    victim, attacker = device("manager"), device("manager2")
    assert victim.post("/api/push/subscriptions", body(endpoint)).status_code == 200
    forged = dict(body(endpoint), keys={"p256dh": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
                                        "auth": "AAAAAAAAAAAAAAAAAAAAAA"})
    response = attacker.post("/api/push/subscriptions", forged)
    assert response.status_code == 409 and response.json["error"]["code"] == "push_subscription_taken"
    with app.app_context():
        row = db.session.scalar(select(PushSubscription).filter_by(endpoint=endpoint))
        assert row.user_id == db.session.scalar(select(User.id).filter_by(username="manager"))
        assert (row.auth, row.p256dh) == (AUTH, P256DH)  # alerts still encrypted for the victim
    assert count(app, AuditEvent, action="push_subscription_moved") == 0
    assert [s["endpoint"] for s in victim.get("/api/push/subscriptions").json["subscriptions"]] == [endpoint]
    assert attacker.get("/api/push/subscriptions").json["subscriptions"] == []


def test_the_same_browser_signed_in_as_another_manager_takes_its_subscription_over(app, device):
    # The browser itself re-sends its subscription, keys and all: that is proof enough.
    endpoint = "https://fcm.googleapis.com/fcm/send/shared-desk"
    first, second = device("manager"), device("manager2")
    assert first.post("/api/push/subscriptions", body(endpoint)).status_code == 200
    assert second.post("/api/push/subscriptions", body(endpoint)).status_code == 200
    assert first.get("/api/push/subscriptions").json["subscriptions"] == []
    assert [s["endpoint"] for s in second.get("/api/push/subscriptions").json["subscriptions"]] == [endpoint]


# --- f) Permissions-Policy -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/api/health", "/js/app.js"])
def test_every_response_turns_off_powerful_features(client, path):
    policy = client.get(path).headers["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert features[feature] == "()"
    assert set(features.values()) == {"()"}


# --- g) one charset in a Content-Type ------------------------------------------------------

def test_shell_files_name_their_charset_once(client):
    from backend.pwa.views import current_shell
    with client.application.app_context():
        urls = list(current_shell().assets)
    for url in urls + ["/", "/queue"]:
        for encoding in ("identity", "gzip"):
            content_type = client.get(url, headers={"Accept-Encoding": encoding}).headers["Content-Type"]
            assert content_type.count("charset") <= 1, (url, content_type)
    assert client.get("/js/app.js").headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert client.get("/").headers["Content-Type"] == "text/html; charset=utf-8"
