"""People keyed to the organisation's provider have no local password (no setup code, no
password sign-in) until an admin unlinks them, audited; and any change of role, team or
deactivation ends all of a person's sessions and device keys."""
import pytest
from sqlalchemy import func, select

from backend.accounts import setup_codes
from backend.accounts.models import DeviceKey, User
from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.sso.models import SsoIdentity
from tests.conftest import DEMO_PASSWORD, ApiClient

ISSUER = "https://login.example.org/"


def user_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username=username))


def link(app, username="carer"):
    """As if they had signed in with the organisation once; the old password hash stays, as it
    would for someone given a password by a setup code before the rule."""
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(username=username))
        db.session.add(SsoIdentity(user_id=user.id, issuer=ISSUER, subject=f"sub-{username}"))
        db.session.commit()
        return user.id


def keys_of(app, uid):
    with app.app_context():
        return db.session.scalar(select(func.count(DeviceKey.id)).filter_by(user_id=uid))


def redeem(app, username, code, password="a-fresh-long-password"):
    api = ApiClient(app.test_client())
    api.refresh_csrf()
    return api.post("/api/auth/setup-code", {"username": username, "code": code, "password": password})


def test_a_linked_person_gets_no_setup_code_from_an_admin_or_their_manager(app, device):
    carer = link(app)
    for who, url in (("admin", f"/api/admin/people/{carer}/setup-code"),
                     ("manager", f"/api/team/people/{carer}/setup-code")):
        refused = device(who).post(url)
        assert refused.status_code == 409, refused.json
        assert refused.json["error"]["code"] == "signs_in_with_organisation"
        assert "organisation" in refused.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .filter_by(action="issue_setup_code")) == 0


def test_a_code_issued_before_the_link_sets_no_password(app, device):
    carer_id = user_id(app, "carer")
    with app.app_context():
        carer, admin = db.session.get(User, carer_id), db.session.scalar(select(User).filter_by(username="admin"))
        code, _ = setup_codes.issue(carer, admin)
        db.session.commit()
        before = carer.password_hash
    link(app)
    refused = redeem(app, "carer", code)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "signs_in_with_organisation"
    with app.app_context():
        assert db.session.get(User, carer_id).password_hash == before


def test_a_linked_person_cannot_sign_in_with_a_password_even_one_they_were_given(app, device):
    link(app)  # carer's demo password is still stored
    api = ApiClient(app.test_client())
    refused = api.login("carer", DEMO_PASSWORD)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "invalid_credentials"
    assert ApiClient(app.test_client()).login("worker").status_code == 200  # others sign in as before


def test_the_password_refusal_points_to_the_organisation_when_sso_is_set_up(app, demo_users):
    app.config["OIDC_ISSUER"] = ISSUER
    link(app)
    refused = ApiClient(app.test_client()).login("carer", DEMO_PASSWORD)
    assert refused.status_code == 401 and "Sign in with your organisation" in refused.json["error"]["message"]
    # The same words for a wrong password of a local account: nothing tells the two apart.
    other = ApiClient(app.test_client()).login("worker", "wrong-password-here")
    assert other.json["error"]["message"] == refused.json["error"]["message"]


def test_an_admin_unlinks_deliberately_audited_and_the_person_then_sets_a_password(app, device):
    carer = link(app)
    phone = device("worker")  # someone else's session is untouched
    admin = device("admin")
    shown = admin.get(f"/api/admin/people/{carer}")
    assert shown.json["organisation_sign_in"] is True
    with app.app_context():
        db.session.add(DeviceKey(user_id=carer, key_hash="a" * 64))
        db.session.commit()
    unlinked = admin.post(f"/api/admin/people/{carer}/unlink-organisation")
    assert unlinked.status_code == 200 and unlinked.json["organisation_sign_in"] is False
    assert keys_of(app, carer) == 0
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="sso_unlinked"))
        assert event.object_id == str(carer) and ISSUER in event.detail
        assert db.session.scalar(select(SsoIdentity).filter_by(user_id=carer)) is None
    # The old password is gone too: nobody knows the new one until the setup code is used.
    assert ApiClient(app.test_client()).login("carer", DEMO_PASSWORD).status_code == 401
    code = admin.post(f"/api/admin/people/{carer}/setup-code").json["code"]
    assert redeem(app, "carer", code).status_code == 200
    assert ApiClient(app.test_client()).login("carer", "a-fresh-long-password").status_code == 200
    again = admin.post(f"/api/admin/people/{carer}/unlink-organisation")
    assert again.status_code == 409 and again.json["error"]["code"] == "not_linked"
    assert phone.get("/api/auth/session").json["user"]["username"] == "worker"


@pytest.mark.parametrize("change", [{"role": "field_worker"}, {"team_id": "other"}])
def test_a_change_of_role_or_team_ends_every_session_and_device_key(app, device, change):
    carer = user_id(app, "carer")
    phone, tablet = device("carer"), device("carer")
    assert keys_of(app, carer) == 2
    if change.get("team_id") == "other":
        change = {"team_id": db_team(app, "South")}
    changed = device("admin").patch(f"/api/admin/people/{carer}", change)
    assert changed.status_code == 200, changed.json
    assert keys_of(app, carer) == 0
    for api in (phone, tablet):
        ended = api.get("/api/auth/session").json
        assert ended["user"] is None and ended["ended"] == "session_ended"
    # Promoted or moved, they sign in again and get what the new role and team give.
    again = ApiClient(app.test_client()).login("carer")
    assert again.status_code == 200


def test_a_display_name_change_leaves_sessions_alone(app, device):
    carer = user_id(app, "carer")
    phone = device("carer")
    assert device("admin").patch(f"/api/admin/people/{carer}", {"display_name": "Casey C."}).status_code == 200
    assert phone.get("/api/auth/session").json["user"]["username"] == "carer"


def test_a_carer_promoted_to_admin_keeps_no_password_only_session(app, device):
    carer = user_id(app, "carer")
    phone, admin = device("carer"), device("admin")
    app.config["REQUIRE_MFA"] = True  # as in production
    promoted = admin.patch(f"/api/admin/people/{carer}", {"role": "admin"})
    assert promoted.status_code == 200
    assert phone.get("/api/admin/people").status_code == 401  # the old session opens nothing
    # The password alone now starts a sign-in that needs an authenticator.
    api = ApiClient(app.test_client())
    api.refresh_csrf()
    step = api.post("/api/auth/login", {"username": "carer", "password": DEMO_PASSWORD})
    assert step.status_code == 200 and step.json["second_factor"] == "enrol" and "device_key" not in step.json


def db_team(app, name):
    from backend.accounts.models import Team
    with app.app_context():
        return db.session.scalar(select(Team.id).filter_by(name=name))


def test_one_admin_cannot_take_over_another_in_the_console_but_the_server_can_help(app, device, runner):
    with app.app_context():
        from backend.accounts.service import create_user
        create_user("admin2", DEMO_PASSWORD, "admin", "North", "Second Admin")
        db.session.commit()
    other = user_id(app, "admin2")
    admin = device("admin")
    for url in (f"/api/admin/people/{other}/setup-code", f"/api/admin/people/{other}/second-factor/reset",
                f"/api/admin/people/{other}/unlink-organisation"):
        refused = admin.post(url)
        assert refused.status_code == 409 and refused.json["error"]["code"] == "another_admin", url
        assert "flask users" in refused.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .filter_by(action="issue_setup_code")) == 0
    # Their own account, and everyone else's, as before.
    assert admin.post(f"/api/admin/people/{user_id(app, 'manager')}/setup-code").status_code == 200
    # Whoever runs the server is the second pair of hands.
    done = runner.invoke(args=["users", "setup-code", "admin2"])
    assert done.exit_code == 0 and "setup code for admin2:" in done.output
    code = done.output.split(": ")[1].split()[0]
    assert redeem(app, "admin2", code).status_code == 200
    reset = runner.invoke(args=["users", "reset-second-factor", "admin2"])
    assert reset.exit_code == 0
