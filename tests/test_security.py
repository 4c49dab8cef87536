"""The attack surface, in one place: forged requests, other people's ids, hostile text and shapes.

Each case is refused (or stored inertly) and changes nothing."""
import uuid

import pytest
from sqlalchemy import func, select

from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db
from tests.test_sync import change, sync

PASSWORD = "demo-password-for-tests"


def stored(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Concern)),
                db.session.scalar(select(func.count()).select_from(ConcernRevision)))


# --- CSRF ---------------------------------------------------------------------------------

@pytest.mark.parametrize("headers, kwargs", [
    ({}, {}),                                                        # no token
    ({"X-CSRFToken": "forged"}, {}),                                 # wrong token
    ("valid", {"Origin": "https://evil.example"}),                   # right token, other site
    ("valid", {"Origin": "null"}),                                   # sandboxed frame
    ("valid", {"Referer": "https://evil.example/x", "Origin": "http://localhost.evil.example"}),
])
def test_forged_sync_requests_change_nothing(app, device, headers, kwargs):
    worker = device("worker")
    headers = {"X-CSRFToken": worker.csrf} if headers == "valid" else headers
    response = worker.client.post("/api/sync", json={"changes": [change()]}, headers={**headers, **kwargs})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"
    assert stored(app) == (0, 0)


def test_a_text_plain_body_is_refused_even_with_a_token(app, device):
    # A cross-site <form enctype="text/plain"> can send JSON-looking text without a preflight.
    worker = device("worker")
    response = worker.client.post("/api/sync", data='{"changes": []}', content_type="text/plain",
                                  headers={"X-CSRFToken": worker.csrf, "X-SafeVisit-Device": worker.device_key})
    assert response.status_code == 415
    assert stored(app) == (0, 0)


def test_a_token_from_another_session_is_refused(app, device):
    mine, theirs = device("worker"), device("worker2")
    response = mine.client.post("/api/sync", json={"changes": [change()]},
                                headers={"X-CSRFToken": theirs.csrf})
    assert response.status_code == 403
    assert stored(app) == (0, 0)


# --- sessions -----------------------------------------------------------------------------

def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, device):
    worker = device("worker")
    stolen = worker.client.get_cookie("safevisit_session").value
    worker.post("/api/auth/logout")
    thief = app.test_client()
    thief.set_cookie("safevisit_session", stolen)
    assert thief.get("/api/concerns").status_code == 401


def test_a_tampered_session_cookie_is_ignored(app, device):
    worker = device("worker")
    cookie = worker.client.get_cookie("safevisit_session").value
    forged = app.test_client()
    forged.set_cookie("safevisit_session", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert forged.get("/api/concerns").status_code == 401


# --- other people's ids, for every object type ----------------------------------------------

def test_idor_across_users_and_teams(app, device):
    worker, worker2, carer = device("worker"), device("worker2"), device("carer")
    draft, = sync(worker, change(answers={"case_reference": "CR-D"}))
    submitted, = sync(worker, change(status="submitted", answers={"case_reference": "CR-S", "concern_specific_child": True}))
    before = stored(app)
    for intruder in (worker2, carer, device("manager2")):
        for cid in (draft["id"], submitted["id"]):
            assert intruder.get(f"/api/concerns/{cid}").status_code == 404
            assert intruder.get(f"/api/concerns/{cid}/history").status_code == 404
            assert intruder.post(f"/api/concerns/{cid}/acknowledge", {}).status_code in (403, 404)
            assert intruder.post(f"/api/concerns/{cid}/decision", {"decision": "x"}).status_code in (403, 404)
    for intruder in (worker2, carer):
        result, = sync(intruder, change(draft["id"], base_version=1))
        assert result["result"] == "rejected"
    assert stored(app) == before


# --- hostile text -----------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(document.cookie)>",
    "'; DROP TABLE concerns; --",
    "1' OR '1'='1",
    "Robert'); DELETE FROM users WHERE ('1'='1",
    "\u202eevil\u202c",                     # right-to-left override
    "e\u0301\u0301\u0301 ZWJ\u200d\U0001F469\u200d\U0001F467",
    "\ud7ff\ue000\uffff",                     # edges of the BMP
    "\U0010FFFF",
    "x" * 8000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_stored_as_text_and_returned_unchanged(app, device, text):
    worker = device("worker")
    result, = sync(worker, change(notes=text, answers={"worker_assessment": text}))
    assert result["result"] == "applied"
    fetched = worker.get(f"/api/concerns/{result['id']}").json
    assert fetched["notes"] == text and fetched["answers"]["worker_assessment"] == text
    # The tables are all still there.
    assert device("admin").get("/api/audit").status_code == 200


@pytest.mark.parametrize("username", ["admin' --", "' OR 1=1 --", "worker\"; --", "ｗｏｒｋｅｒ"])
def test_sql_metacharacters_in_login_are_just_wrong_usernames(device, username):
    response = device().login(username, PASSWORD)
    assert response.status_code == 401


@pytest.mark.parametrize("cid", ["' OR '1'='1", "1;DROP TABLE concerns", "..%2F..%2Fetc%2Fpasswd", "\u202e"])
def test_sql_metacharacters_in_ids_are_404(device, cid):
    assert device("worker").get(f"/api/concerns/{cid}").status_code == 404


# --- hostile shapes -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("id", "not-a-uuid"), ("id", 12), ("id", None), ("change_id", "00000000-0000-0000-0000-00000000000g"),
    ("base_version", "1"), ("base_version", 1.5), ("base_version", 10**12), ("base_version", True),
    ("answers", []), ("answers", "x"), ("answers", {"child_age": 10**30}), ("answers", {"child_age": -1}),
    ("answers", {"looked_after": "true"}), ("answers", {"sharing_aggravating_factors": [1, 2]}),
    ("answers", {"case_reference": {"$ne": ""}}), ("status", "closed"), ("status", "acknowledged"),
    ("notes", "x" * 8001), ("notes", ["list"]), ("procedure", "../../etc/passwd"),
    ("case_reference", ""), ("case_reference", "Jane Doe's son\n"), ("case_reference", "ÄÖÜ-1"),
])
def test_wrong_types_and_values_are_rejected_and_store_nothing(app, device, field, value):
    worker = device("worker")
    result, = sync(worker, change(**{field: value}))
    assert result["result"] == "rejected"
    assert result["errors"]
    assert stored(app) == (0, 0)


def test_oversized_sync_body_is_413(app, device):
    worker = device("worker")
    big = change(notes="x" * 8000)
    response = worker.post("/api/sync", {"changes": [dict(big, id=str(uuid.uuid4()), change_id=str(uuid.uuid4()),
                                                          notes="y" * 8000) for _ in range(40)]})
    assert response.status_code == 413
    assert stored(app) == (0, 0)


def test_deeply_nested_answers_are_refused(app, device):
    worker = device("worker")
    nested: dict = {"x": 1}
    for _ in range(100):
        nested = {"x": nested}
    response = worker.post("/api/sync", {"changes": [change(answers={"worker_assessment": nested})]})
    assert response.status_code == 422
    assert stored(app) == (0, 0)


def test_sync_cursor_far_in_the_future_or_negative(device):
    worker = device("worker")
    assert worker.get("/api/concerns?since=-1").status_code == 422
    assert worker.get(f"/api/concerns?since={2**40}").status_code == 422
    assert worker.get(f"/api/concerns?since={2**31 - 1}").json["concerns"] == []


# --- SSRF through push endpoints ----------------------------------------------------------
# (The push tests cover the allowlist in depth, and DNS answers checked at send time.)

@pytest.mark.parametrize("endpoint", [
    "https://169.254.169.254/latest/meta-data/",            # cloud metadata
    "https://fcm.googleapis.com@169.254.169.254/fcm/send/x",  # userinfo trick
    "https://[::ffff:127.0.0.1]/push/x",                      # mapped loopback
    "https://0x7f000001/push/x",                              # hex loopback
    "https://%66cm.googleapis.com/fcm/send/x",                # percent-encoded host
    "file:///etc/passwd",
    "gopher://fcm.googleapis.com/_x",
    "https://fcm.googleapis.com\\@evil.example/x",
])
def test_push_endpoints_cannot_point_the_server_anywhere_else(app, device, endpoint):
    from backend.push.models import PushSubscription
    manager = device("manager")
    response = manager.post("/api/push/subscriptions", {
        "endpoint": endpoint,
        "keys": {"p256dh": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
                 "auth": "tBHItJI5svbpez7KI4CCXg"}})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["endpoint"]  # the keys themselves are fine
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("expiration", [-1, 0, 1_000_000_000_000, 10**20, "tomorrow", 1.5e12, True])
def test_push_subscription_times_in_the_past_or_absurd_future_are_refused(app, device, expiration):
    from backend.push.models import PushSubscription
    manager = device("manager")
    response = manager.post("/api/push/subscriptions", {
        "endpoint": "https://fcm.googleapis.com/fcm/send/expiry-test", "expirationTime": expiration,
        "keys": {"p256dh": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
                 "auth": "tBHItJI5svbpez7KI4CCXg"}})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["expirationTime"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_a_push_subscription_expiring_next_year_is_accepted(device):
    import time
    next_year = int((time.time() + 365 * 86400) * 1000)
    response = device("manager").post("/api/push/subscriptions", {
        "endpoint": "https://fcm.googleapis.com/fcm/send/expiry-ok", "expirationTime": next_year,
        "keys": {"p256dh": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
                 "auth": "tBHItJI5svbpez7KI4CCXg"}})
    assert response.status_code == 200
    assert response.json["expirationTime"] == next_year
