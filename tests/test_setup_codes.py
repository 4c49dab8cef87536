"""Carers get back in. A duty manager issues a one-time setup code to a carer
or worker of their own team (shown once, valid for a day, single use, stored hashed, audited);
the person sets a new password with it; redemption is rate-limited like a login."""
import datetime as dt

import pytest
from sqlalchemy import select

from backend.accounts import setup_codes
from backend.accounts.credential_models import SetupCode
from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.conftest import DEMO_PASSWORD, ApiClient

NEW_PASSWORD = "carer-chose-this-one"


def user_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username=username))


def redeem(app, username, code, password=NEW_PASSWORD, address="192.0.2.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    api = ApiClient(client)
    api.refresh_csrf()
    return api.post("/api/auth/setup-code", {"username": username, "code": code, "password": password})


def issue(manager, app, username="carer"):
    response = manager.post(f"/api/team/people/{user_id(app, username)}/setup-code")
    assert response.status_code == 200, response.json
    return response.json


def test_a_manager_helps_a_carer_of_their_team_back_in_once(app, device):
    manager = device("manager")
    listed = manager.get("/api/team/people").json["people"]
    assert {p["username"] for p in listed} == {"carer", "worker"}  # not managers, admins or South
    answer = issue(manager, app)
    assert answer["person"]["username"] == "carer"
    expires = dt.datetime.fromisoformat(answer["expires_at"])
    assert dt.timedelta(hours=23, minutes=59) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=1)
    with app.app_context():
        stored = db.session.scalars(select(SetupCode)).all()
    assert len(stored) == 1 and len(stored[0].code_hash) == 64
    assert answer["code"].replace("-", "") not in stored[0].code_hash
    # Typed as people type: lower case, spaces instead of hyphens.
    typed = answer["code"].lower().replace("-", " ")
    response = redeem(app, " Carer ", typed)
    assert response.status_code == 200 and response.json == {"username": "carer"}
    assert ApiClient(app.test_client()).login("carer", NEW_PASSWORD).status_code == 200
    assert ApiClient(app.test_client()).login("carer", DEMO_PASSWORD).status_code == 401
    # Once only.
    again = redeem(app, "carer", answer["code"], "and-another-password")
    assert again.status_code == 401 and again.json["error"]["code"] == "invalid_setup_code"
    assert ApiClient(app.test_client()).login("carer", NEW_PASSWORD).status_code == 200
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.user_id).where(
            AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id(app, "carer")))).all()
    assert ("issue_setup_code", user_id(app, "manager")) in events
    assert ("redeem_setup_code", user_id(app, "carer")) in events


def test_a_code_expires_after_a_day(app, device, monkeypatch):
    code = issue(device("manager"), app)["code"]
    later = setup_codes.utcnow() + dt.timedelta(days=1, seconds=1)
    monkeypatch.setattr(setup_codes, "utcnow", lambda: later)
    response = redeem(app, "carer", code)
    assert response.status_code == 401 and response.json["error"]["code"] == "invalid_setup_code"
    assert ApiClient(app.test_client()).login("carer").status_code == 200  # the old password stands


def test_a_new_code_replaces_the_one_before(app, device):
    manager = device("manager")
    first = issue(manager, app)["code"]
    second = issue(manager, app)["code"]
    assert redeem(app, "carer", first).status_code == 401
    assert redeem(app, "carer", second).status_code == 200


def test_a_code_works_only_for_its_own_person(app, device):
    code = issue(device("manager"), app, "worker")["code"]
    assert redeem(app, "carer", code).status_code == 401
    assert redeem(app, "nobody", code).status_code == 401
    assert redeem(app, "worker", code).status_code == 200


@pytest.mark.parametrize("target", ["worker2", "manager2", "manager", "admin"])
def test_a_manager_cannot_issue_a_code_outside_their_teams_carers_and_workers(app, device, target):
    manager = device("manager")
    response = manager.post(f"/api/team/people/{user_id(app, target)}/setup-code")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    with app.app_context():
        assert db.session.scalars(select(SetupCode)).all() == []


@pytest.mark.parametrize("who", ["carer", "worker", "admin"])
def test_only_duty_managers_use_the_team_codes(app, device, who):
    api = device(who)
    assert api.get("/api/team/people").status_code == 403
    assert api.post(f"/api/team/people/{user_id(app, 'carer')}/setup-code").status_code == 403


def test_a_deactivated_carer_gets_no_code(app, device):
    with app.app_context():
        from backend.accounts.service import deactivate
        deactivate("carer")
        db.session.commit()
    assert device("manager").post(f"/api/team/people/{user_id(app, 'carer')}/setup-code").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"username": "carer", "code": "X", "password": "short"}, "password"),
    ({"username": "carer", "code": "X"}, "password"),
    ({"username": "carer", "password": NEW_PASSWORD}, "code"),
    ({"username": "carer", "code": "X", "password": NEW_PASSWORD, "role": "admin"}, "role"),
])
def test_bad_bodies_are_refused_and_the_code_is_not_spent(app, device, body, field):
    code = issue(device("manager"), app)["code"]
    api = ApiClient(app.test_client())
    api.refresh_csrf()
    response = api.post("/api/auth/setup-code", {**body, "code": code} if "code" in body else body)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert redeem(app, "carer", code).status_code == 200


def test_guessing_codes_is_rate_limited_like_passwords(app, device):
    code = issue(device("manager"), app)["code"]
    guesses = [redeem(app, "carer", f"AAAA-BBBB-CCCC-DDD{n}", address="203.0.113.9").status_code for n in range(5)]
    assert guesses == [401] * 5
    limited = redeem(app, "carer", code, address="203.0.113.9")
    assert limited.status_code == 429 and limited.json["error"]["code"] == "too_many_requests"
    # The carer, from their own address, is not held back by the guesser.
    assert redeem(app, "carer", code, address="198.51.100.20").status_code == 200


def test_redeeming_needs_csrf(app, device):
    code = issue(device("manager"), app)["code"]
    client = app.test_client()
    response = client.post("/api/auth/setup-code", json={"username": "carer", "code": code, "password": NEW_PASSWORD})
    assert response.status_code == 403 and response.json["error"]["code"] == "csrf_failed"
    assert redeem(app, "carer", code).status_code == 200
