"""TOTP with one-time recovery codes for local manager and admin accounts,
required when SAFEVISIT_REQUIRE_MFA is on. The password alone gives no session and no device
key; a wrong code is refused and rate-limited; a code is never accepted twice; a recovery code
works once."""
import json
import time

import pyotp
import pytest
from sqlalchemy import select

from backend import create_app
from backend.accounts import second_factor
from backend.accounts.credential_models import RecoveryCode, TotpFactor
from backend.accounts.demo import seed_demo
from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.procedures import store
from tests.conftest import DEMO_PASSWORD, PROCEDURE_FILES, ApiClient, _fresh_database, base_config


@pytest.fixture
def mfa_app(migrated_template, tmp_path):
    app = create_app({**base_config(_fresh_database(migrated_template, tmp_path)), "REQUIRE_MFA": True})
    with app.app_context():
        for path in PROCEDURE_FILES:
            store.load(json.loads(path.read_text(encoding="utf-8")))
        seed_demo(DEMO_PASSWORD)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def totp(secret, steps_ahead=0):
    step = int(time.time()) // 30 + steps_ahead
    return pyotp.TOTP(secret).generate_otp(step)


def password_step(app, username="manager", address="192.0.2.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    api = ApiClient(client)
    api.refresh_csrf()  # not api.login(): this answer has no device key yet
    response = api.post("/api/auth/login", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.json
    api.csrf = response.json["csrf_token"]
    return api, response.json


def enrol(app, username="manager"):
    """Signs in for the first time with MFA required; returns (api, secret, recovery codes)."""
    api, answer = password_step(app, username)
    assert answer["second_factor"] == "enrol"
    secret = api.post("/api/auth/two-step/enrolment").json["secret"]
    done = api.post("/api/auth/two-step/enrolment/confirm", {"code": totp(secret)})
    assert done.status_code == 200, done.json
    api.device_key, api.csrf = done.json["device_key"], done.json["csrf_token"]
    return api, secret, done.json["recovery_codes"]


def test_a_manager_must_enrol_and_the_password_alone_opens_nothing(mfa_app):
    api, answer = password_step(mfa_app)
    assert answer["user"] is None and answer["second_factor"] == "enrol" and "device_key" not in answer
    assert api.get("/api/auth/session").json["user"] is None
    assert api.get("/api/queue").status_code == 401
    enrolment = api.post("/api/auth/two-step/enrolment").json
    secret = enrolment["secret"]
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/SafeVisit:manager?secret=" + secret)
    wrong = api.post("/api/auth/two-step/enrolment/confirm", {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 401 and wrong.json["error"]["code"] == "invalid_code"
    done = api.post("/api/auth/two-step/enrolment/confirm", {"code": totp(secret)})
    assert done.status_code == 200
    body = done.json
    assert body["user"]["username"] == "manager" and body["user"]["two_step"] is True
    assert body["device_key"] and len(body["recovery_codes"]) == 10
    api.device_key = body["device_key"]
    assert api.get("/api/queue").status_code == 200
    with mfa_app.app_context():
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert len(hashes) == 10 and not set(body["recovery_codes"]) & set(hashes)
    assert "enrol_second_factor" in actions and "second_factor_refused" in actions


def test_sign_in_asks_for_the_code_after_the_password_and_refuses_a_replay(mfa_app):
    _, secret, _ = enrol(mfa_app)
    api, answer = password_step(mfa_app)
    assert answer["second_factor"] == "code" and answer["user"] is None
    # The code used at enrolment (this time step) is spent: the next one works, once.
    replayed = api.post("/api/auth/two-step/verify", {"code": totp(secret)})
    assert replayed.status_code == 401 and replayed.json["error"]["code"] == "invalid_code"
    fresh = totp(secret, 1)
    ok = api.post("/api/auth/two-step/verify", {"code": fresh})
    assert ok.status_code == 200 and ok.json["user"]["username"] == "manager" and ok.json["device_key"]
    again, _ = password_step(mfa_app)
    assert again.post("/api/auth/two-step/verify", {"code": fresh}).status_code == 401
    with mfa_app.app_context():
        logins = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "login")).all()
    assert '{"second_factor": "totp"}' in logins


def test_wrong_codes_are_refused_and_rate_limited(mfa_app):
    _, secret, _ = enrol(mfa_app)
    api, _ = password_step(mfa_app)
    right = totp(secret, 1)
    wrong = [c for c in ("123456", "654321", "111111", "222222", "333333", "444444") if c != right][:5]
    assert [api.post("/api/auth/two-step/verify", {"code": c}).status_code for c in wrong] == [401] * 5
    limited = api.post("/api/auth/two-step/verify", {"code": right})
    assert limited.status_code == 429 and limited.json["error"]["code"] == "too_many_requests"
    # A new pending sign-in from another address does not reset the count: it is per account.
    other, _ = password_step(mfa_app, address="198.51.100.3")
    assert other.post("/api/auth/two-step/verify", {"code": right}).status_code == 429


def test_a_recovery_code_works_once(mfa_app):
    _, _, codes = enrol(mfa_app)
    api, _ = password_step(mfa_app)
    typed = codes[3].lower().replace("-", " ")
    ok = api.post("/api/auth/two-step/verify", {"code": typed})
    assert ok.status_code == 200 and ok.json["user"]["username"] == "manager"
    again, _ = password_step(mfa_app)
    assert again.post("/api/auth/two-step/verify", {"code": codes[3]}).status_code == 401
    assert again.post("/api/auth/two-step/verify", {"code": codes[4]}).status_code == 200
    with mfa_app.app_context():
        from backend.accounts.models import User
        manager = db.session.scalar(select(User).filter_by(username="manager"))
        assert second_factor.recovery_codes_left(manager) == 8


def test_the_code_step_is_for_the_person_who_typed_the_password_and_expires(mfa_app, monkeypatch):
    _, secret, _ = enrol(mfa_app)
    stranger = ApiClient(mfa_app.test_client())
    stranger.refresh_csrf()
    response = stranger.post("/api/auth/two-step/verify", {"code": totp(secret, 1)})
    assert response.status_code == 401 and response.json["error"]["code"] == "second_factor_expired"
    api, _ = password_step(mfa_app)
    later = time.time() + second_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(second_factor.time, "time", lambda: later)
    late = api.post("/api/auth/two-step/verify", {"code": pyotp.TOTP(secret).generate_otp(int(later) // 30)})
    assert late.status_code == 401 and late.json["error"]["code"] == "second_factor_expired"


@pytest.mark.parametrize("who", ["carer", "worker"])
def test_carers_and_workers_sign_in_with_the_password_alone(mfa_app, who):
    api = ApiClient(mfa_app.test_client())
    answer = api.login(who).json
    assert answer["user"]["username"] == who and answer["device_key"] and "second_factor" not in answer
    api.refresh_csrf()
    assert api.post("/api/auth/two-step/enrolment").status_code == 403


def test_admins_enrol_too_and_can_reset_someone_elses_lost_authenticator(mfa_app):
    admin, _, _ = enrol(mfa_app, "admin")
    manager, _, _ = enrol(mfa_app, "manager")
    with mfa_app.app_context():
        from backend.accounts.models import User
        manager_id = db.session.scalar(select(User.id).filter_by(username="manager"))
    reset = admin.post(f"/api/admin/people/{manager_id}/second-factor/reset")
    assert reset.status_code == 200 and reset.json["two_step"] is False
    assert manager.get("/api/auth/session").json["ended"] == "session_ended"
    _, answer = password_step(mfa_app)
    assert answer["second_factor"] == "enrol"
    with mfa_app.app_context():
        assert db.session.get(TotpFactor, manager_id) is None


def test_without_the_requirement_a_manager_may_enrol_by_choice_and_then_always_uses_it(app, demo_users):
    api = ApiClient(app.test_client())
    assert api.login("manager").json["user"]["two_step"] is False  # REQUIRE_MFA off in tests
    secret = api.post("/api/auth/two-step/enrolment").json["secret"]
    done = api.post("/api/auth/two-step/enrolment/confirm", {"code": totp(secret)})
    assert done.status_code == 200 and len(done.json["recovery_codes"]) == 10
    assert done.json["user"]["two_step"] is True
    assert api.post("/api/auth/two-step/enrolment").status_code == 409
    _, answer = password_step(app)
    assert answer["second_factor"] == "code" and answer["user"] is None


@pytest.mark.parametrize("env, testing, expected", [
    ("production", False, True), ("development", False, False), ("production", True, False)])
def test_mfa_is_required_by_default_in_production_only(migrated_template, monkeypatch, env, testing, expected):
    monkeypatch.setenv("SAFEVISIT_ENV", env)
    monkeypatch.delenv("SAFEVISIT_REQUIRE_MFA", raising=False)
    config = {**base_config(migrated_template), "TESTING": testing}
    assert create_app(config).config["REQUIRE_MFA"] is expected
    monkeypatch.setenv("SAFEVISIT_REQUIRE_MFA", "off")
    assert create_app(config).config["REQUIRE_MFA"] is False
