"""Signing in and out: sessions, CSRF, revocation, rate limits."""
import datetime as dt

from backend.accounts.service import deactivate
from backend.extensions import db


def test_session_is_anonymous_with_a_csrf_token(client):
    body = client.get("/api/auth/session").json
    assert body["user"] is None
    assert len(body["csrf_token"]) > 20


def test_login_logout_and_session(device):
    worker = device()
    response = worker.login("worker")
    assert response.status_code == 200
    assert response.json["user"]["username"] == "worker"
    assert response.json["user"]["role"] == "field_worker"
    assert response.json["user"]["team"]["name"] == "North"
    assert worker.get("/api/auth/session").json["user"]["username"] == "worker"
    out = worker.post("/api/auth/logout")
    assert out.status_code == 200 and out.json == {"ok": True}
    assert '"storage"' in out.headers["Clear-Site-Data"]
    assert worker.get("/api/auth/session").json["user"] is None


def test_session_cookie_is_httponly_and_samesite(device):
    worker = device()
    worker.refresh_csrf()
    response = worker.post("/api/auth/login", {"username": "worker", "password": "demo-password-for-tests"})
    cookie, = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("safevisit_session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_401_and_says_nothing_about_the_username(device):
    api = device()
    wrong = api.login("worker", "not-the-password")
    unknown = api.login("nobody-at-all", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    # Word for word the same, but for each request's own id (the logs' request_id).
    wrong_body, unknown_body = wrong.json, unknown.json
    assert wrong_body["error"].pop("request_id") != unknown_body["error"].pop("request_id")
    assert wrong_body == unknown_body
    assert wrong.json["error"]["code"] == "invalid_credentials"


def test_login_without_csrf_token_is_refused(client, demo_users):
    response = client.post("/api/auth/login", json={"username": "worker", "password": "demo-password-for-tests"})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"


def test_login_from_another_origin_is_refused(device):
    api = device()
    api.refresh_csrf()
    response = api.post("/api/auth/login", {"username": "worker", "password": "demo-password-for-tests"},
                        headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert api.get("/api/auth/session").json["user"] is None


def test_login_starts_a_fresh_session(device):
    # Session fixation: what the session held before login does not carry over.
    api = device()
    before = api.refresh_csrf()
    api.post("/api/auth/login", {"username": "worker", "password": "demo-password-for-tests"})
    response = api.post("/api/sync", {"changes": [{}]}, headers={"X-CSRFToken": before})
    assert response.status_code == 403


def test_logout_ends_every_session_of_the_user(device):
    phone, laptop = device("worker"), device("worker")
    phone.post("/api/auth/logout")
    response = laptop.get("/api/concerns")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "session_ended"


def test_the_session_endpoint_says_why_a_revoked_session_ended(app, device):
    phone, laptop = device("worker"), device("worker")
    phone.post("/api/auth/logout")
    body = laptop.get("/api/auth/session").json
    assert body["user"] is None and body["ended"] == "session_ended"
    assert laptop.get("/api/auth/session").json["ended"] is None  # said once; the cookie is gone
    manager = device("manager")
    with app.app_context():
        deactivate("manager")
        db.session.commit()
    assert manager.get("/api/auth/session").json["ended"] == "account_deactivated"


def test_an_expired_session_is_unauthorized_not_ended(app, device):
    # Expiry keeps a device's unsent work; only revocation tells it to forget (see the PWA).
    worker = device("worker")
    app.permanent_session_lifetime = dt.timedelta(seconds=-1)  # every cookie is now too old
    body = worker.get("/api/auth/session").json
    assert body["user"] is None and body["ended"] is None
    response = worker.get("/api/concerns")
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_deactivation_ends_sessions_at_once(app, device):
    worker = device("worker")
    assert worker.get("/api/concerns").status_code == 200
    with app.app_context():
        deactivate("worker")
        db.session.commit()
    response = worker.get("/api/concerns")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "account_deactivated"
    assert device().login("worker").status_code == 401


def test_users_cli_create_and_deactivate(runner, app):
    result = runner.invoke(args=["users", "create", "newbie", "--role", "field_worker", "--team", "East",
                                 "--password", "a-long-enough-password"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "newbie", "--role", "field_worker", "--team", "East",
                                 "--password", "a-long-enough-password"])
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["users", "deactivate", "newbie"])
    assert result.exit_code == 0 and "sessions are ended" in result.output


def test_login_is_rate_limited_per_account(device):
    api = device()
    statuses = [api.login("manager", f"wrong-{i}").status_code for i in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    limited = api.login("manager")  # even the right password waits out the limit
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in limited.headers
    # Another account from the same address is not locked out by it.
    assert api.login("worker").status_code == 200
