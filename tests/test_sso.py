"""The claim mapping API (admins only, validated, audited),
the one-time hand-off of a sign-in to the app, the claims-to-role rules, and back-channel
logout checked against a real provider's keys (oidc-provider, started here; see
tests/oidc_provider.py). The whole redirect sign-in is in e2e/test_single_sign_on.py."""
import datetime as dt
import hashlib
import time

import pytest
from sqlalchemy import func, select

from backend import create_app
from backend.accounts.models import DeviceKey, Team, User
from backend.audit.models import AuditEvent
from backend.extensions import db
from backend.sso import handoff, mapping, people
from backend.sso.models import SsoHandoff, SsoIdentity, SsoMapping, SsoSession
from tests.conftest import DEMO_PASSWORD, ApiClient, _fresh_database, base_config
from tests.oidc_provider import CLIENT_ID, OidcProvider, signing_key

URL = "/api/admin/sso-mapping"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    # Its redirect URIs are never followed here: these tests sign their own logout tokens.
    provider = OidcProvider(tmp_path_factory.mktemp("oidc")).start("http://127.0.0.1:9")
    yield provider
    provider.stop()


@pytest.fixture
def sso_app(migrated_template, tmp_path, provider):
    app = create_app({**base_config(_fresh_database(migrated_template, tmp_path)), **provider.app_config()})
    with app.app_context():
        from backend.accounts.demo import seed_demo
        seed_demo(DEMO_PASSWORD)
        north = db.session.scalar(select(Team).filter_by(name="North"))
        db.session.add_all([SsoMapping(claim="role", value="Worker", role="field_worker"),
                            SsoMapping(claim="role", value="Manager", role="duty_manager"),
                            SsoMapping(claim="team", value="grp-north", team=north)])
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def signed_in(app, username):
    api = ApiClient(app.test_client())
    assert api.login(username).status_code == 200
    return api


# --- the mapping API -------------------------------------------------------------------------

def test_only_an_admin_with_the_device_key_reads_or_changes_the_mapping(app, device):
    assert app.test_client().get(URL).status_code == 401
    for who in ("worker", "carer", "manager"):
        api = device(who)
        assert api.get(URL).status_code == 403
        assert api.post(URL, {"claim": "role", "value": "X", "role": "admin"}).status_code == 403
        assert api.client.delete(f"{URL}/1", headers={"X-CSRFToken": api.csrf,
                                                      "X-SafeVisit-Device": api.device_key}).status_code == 403
    admin = device("admin")
    locked = admin.client.get(URL)  # the cookie without the key
    assert locked.status_code == 401 and locked.json["error"]["code"] == "device_locked"
    answer = admin.get(URL)
    assert answer.status_code == 200
    assert answer.json["configured"] is False and answer.json["mappings"] == []
    assert {t["name"] for t in answer.json["teams"]} == {"North", "South"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SsoMapping)) == 0


def test_an_admin_adds_and_removes_mappings_and_each_change_is_audited(app, device):
    admin = device("admin")
    with app.app_context():
        north = db.session.scalar(select(Team.id).filter_by(name="North"))
    role = admin.post(URL, {"claim": "role", "value": "SafeVisit.Admin", "role": "admin"})
    assert role.status_code == 200, role.json
    assert role.json["role"] == "admin" and role.json["team"] is None
    team = admin.post(URL, {"claim": "team", "value": "a1b2-group-id", "team_id": north})
    assert team.status_code == 200 and team.json["team"]["name"] == "North"
    listed = admin.get(URL).json["mappings"]
    assert [(m["claim"], m["value"]) for m in listed] == [("role", "SafeVisit.Admin"), ("team", "a1b2-group-id")]
    removed = admin.client.delete(f"{URL}/{role.json['id']}",
                                  headers={"X-CSRFToken": admin.csrf, "X-SafeVisit-Device": admin.device_key})
    assert removed.status_code == 200
    assert [m["value"] for m in admin.get(URL).json["mappings"]] == ["a1b2-group-id"]
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "sso_mapping")
                                     .order_by(AuditEvent.id)).all()
    assert actions == ["sso_mapping_added", "sso_mapping_added", "sso_mapping_removed"]


@pytest.mark.parametrize("body, field", [
    ({"claim": "role", "value": "X"}, "role"),                                   # no role
    ({"claim": "role", "value": "X", "role": "superuser"}, "role"),              # no such role
    ({"claim": "role", "value": "X", "role": "admin", "team_id": 1}, "role"),    # both
    ({"claim": "team", "value": "X"}, "team_id"),                                # no team
    ({"claim": "team", "value": "X", "team_id": 999}, "team_id"),                # no such team
    ({"claim": "team", "value": "X", "team_id": "1"}, "team_id"),                # a string
    ({"claim": "team", "value": "X", "team_id": 2**40}, "team_id"),              # past any id
    ({"claim": "group", "value": "X", "role": "admin"}, "claim"),
    ({"claim": "role", "value": "", "role": "admin"}, "value"),
    ({"claim": "role", "value": "x" * 201, "role": "admin"}, "value"),
    ({"claim": "role", "value": "X", "role": "admin", "extra": 1}, "extra"),
])
def test_a_bad_mapping_is_refused_with_the_field_named_and_nothing_stored(app, device, body, field):
    admin = device("admin")
    answer = admin.post(URL, body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SsoMapping)) == 0


def test_a_value_mapped_twice_is_a_conflict_and_changes_without_csrf_are_refused(app, device):
    admin = device("admin")
    assert admin.post(URL, {"claim": "role", "value": "Staff", "role": "field_worker"}).status_code == 200
    again = admin.post(URL, {"claim": "role", "value": "Staff", "role": "admin"})
    assert again.status_code == 409 and again.json["error"]["code"] == "mapping_exists"
    forged = admin.client.post(URL, json={"claim": "role", "value": "Other", "role": "admin"},
                               headers=admin.without_csrf())
    assert forged.status_code in (400, 403) and "error" in forged.json
    for missing in (999, 2**70):
        assert admin.client.delete(f"{URL}/{missing}", headers={
            "X-CSRFToken": admin.csrf, "X-SafeVisit-Device": admin.device_key}).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(SsoMapping.role)).all() == ["field_worker"]


# --- configuration ---------------------------------------------------------------------------

def test_the_session_says_whether_to_offer_organisation_sign_in(client, sso_app):
    assert client.get("/api/auth/session").json["organisation_sign_in"] is False
    assert sso_app.test_client().get("/api/auth/session").json["organisation_sign_in"] is True
    page = client.get("/auth/oidc/login")
    assert page.status_code == 404 and "not set up" in page.get_data(as_text=True)


def test_single_sign_on_without_its_client_or_claims_refuses_to_start(migrated_template, tmp_path, provider):
    config = {**base_config(_fresh_database(migrated_template, tmp_path)), **provider.app_config()}
    for missing in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_TEAM_CLAIM"):
        with pytest.raises(RuntimeError, match="SAFEVISIT_" + missing):
            create_app({**config, missing: None})


def test_the_app_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(sso_app, provider):
    api = ApiClient(sso_app.test_client())
    api.refresh_csrf()
    answer = api.post("/api/auth/oidc/start")
    assert answer.status_code == 200
    location = answer.json["authorization_url"]
    assert location.startswith(provider.issuer + "/auth?")
    for part in ("code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "response_type=code",
                 "scope=openid+profile", f"client_id={CLIENT_ID}"):
        assert part in location


# --- claims to role and team -----------------------------------------------------------------

@pytest.mark.parametrize("claims, granted, refused", [
    ({"roles": ["Worker"], "groups": ["grp-north"]}, ("field_worker", "North"), None),
    ({"roles": "Worker", "groups": "grp-north"}, ("field_worker", "North"), None),  # single strings
    # The role that may do most wins; unmapped values are ignored.
    ({"roles": ["Worker", "Manager", "Other"], "groups": ["grp-north", "x"]}, ("duty_manager", "North"), None),
    ({"roles": ["Other"], "groups": ["grp-north"]}, None, "roles"),
    ({"roles": ["Worker"], "groups": ["grp-south"]}, None, "teams"),
    ({"roles": ["Worker"]}, None, "teams"),
    ({"groups": ["grp-north"]}, None, "roles"),
    ({"roles": [{"nested": "Worker"}], "groups": ["grp-north"]}, None, "roles"),
])
def test_claims_map_to_one_role_and_one_team_or_the_person_is_refused(sso_app, claims, granted, refused):
    with sso_app.app_context():
        outcome = mapping.resolve(claims)
        if granted:
            assert (outcome.role, outcome.team.name, outcome.reason) == (*granted, None)
        else:
            assert f"none of your {refused}" in outcome.reason


def test_teams_that_map_to_two_safevisit_teams_are_refused_rather_than_guessed(sso_app):
    with sso_app.app_context():
        south = db.session.scalar(select(Team).filter_by(name="South"))
        db.session.add(SsoMapping(claim="team", value="grp-south", team=south))
        db.session.flush()
        outcome = mapping.resolve({"roles": ["Worker"], "groups": ["grp-north", "grp-south"]})
        assert outcome.team is None and "more than one" in outcome.reason


def test_people_are_keyed_by_issuer_and_subject_not_by_email(sso_app, provider):
    with sso_app.app_context():
        north = db.session.scalar(select(Team).filter_by(name="North"))
        # A local account with the same name as the provider's username is never taken over.
        first = people.upsert(provider.issuer, {"sub": "s-1", "preferred_username": "worker",
                                                "name": "Pat"}, "field_worker", north)
        assert first.username != "worker" and first.username.startswith("sso-")
        same = people.upsert(provider.issuer, {"sub": "s-1", "preferred_username": "someone-else",
                                               "name": "Pat Renamed"}, "duty_manager", north)
        assert same.id == first.id and same.role == "duty_manager" and same.display_name == "Pat Renamed"
        other_issuer = people.upsert("https://other.example", {"sub": "s-1"}, "field_worker", north)
        assert other_issuer.id != first.id
        # No password opens these accounts.
        db.session.commit()
        username = first.username
    api = ApiClient(sso_app.test_client())
    api.refresh_csrf()
    assert api.post("/api/auth/login", {"username": username, "password": "!single-sign-on"}).status_code == 401


def test_a_password_try_on_a_single_sign_on_account_costs_a_full_check(sso_app, monkeypatch):
    from backend.accounts import passwords
    spent = []
    monkeypatch.setattr(passwords, "dummy_verify", lambda password: spent.append(password))
    with sso_app.app_context():
        assert passwords.verify_password(people.NO_PASSWORD, "guess") is False
    assert spent == ["guess"]


# --- the hand-off ----------------------------------------------------------------------------

def _pending_handoff(app, client, username, *, age_seconds=0, sid=None):
    """What the callback leaves: a hand-off row and its token in this browser's session."""
    token = f"token-for-{username}-{age_seconds}"
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(username=username))
        row = SsoHandoff(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id, sid=sid)
        db.session.add(row)
        db.session.flush()
        row.created_at -= dt.timedelta(seconds=age_seconds)
        db.session.commit()
    with client.session_transaction() as session:
        session[handoff.SESSION_KEY] = token


def _redeem(client):
    csrf = client.get("/api/auth/session").json["csrf_token"]
    return client.post("/api/auth/oidc/handoff", json={}, headers={"X-CSRFToken": csrf})


def test_a_handoff_gives_the_session_and_its_device_key_once(sso_app):
    browser = sso_app.test_client()
    _pending_handoff(sso_app, browser, "worker", sid="provider-sid-1")
    # A copy of the cookie taken before the redemption...
    copy = sso_app.test_client()
    copy.set_cookie("safevisit_session", browser.get_cookie("safevisit_session").value)
    answer = _redeem(browser)
    assert answer.status_code == 200, answer.json
    assert answer.json["user"]["username"] == "worker" and len(answer.json["device_key"]) >= 43
    assert browser.get("/api/concerns", headers={"X-SafeVisit-Device": answer.json["device_key"]}).status_code == 200
    # ...redeems nothing: the hand-off is spent.
    again = _redeem(copy)
    assert again.status_code == 401 and again.json["error"]["code"] == "handoff_invalid"
    assert "device_key" not in again.json
    with sso_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SsoHandoff)) == 0
        assert db.session.scalars(select(SsoSession.sid)).all() == ["provider-sid-1"]
        assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "login")) == \
            '{"method": "single_sign_on"}'


def test_a_late_handoff_or_none_at_all_gives_nothing(sso_app):
    late = sso_app.test_client()
    _pending_handoff(sso_app, late, "worker", age_seconds=handoff.HANDOFF_SECONDS + 5)
    answer = _redeem(late)
    assert answer.status_code == 401 and answer.json["error"]["code"] == "handoff_invalid"
    assert late.get("/api/auth/session").json["user"] is None
    nothing = _redeem(sso_app.test_client())
    assert nothing.status_code == 401 and nothing.json["error"]["code"] == "handoff_invalid"
    forged = sso_app.test_client()
    with forged.session_transaction() as session:
        session[handoff.SESSION_KEY] = "a-guessed-token"
    assert _redeem(forged).status_code == 401
    with sso_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeviceKey)) == 0


# --- back-channel logout ---------------------------------------------------------------------

LOGOUT = "/auth/oidc/backchannel-logout"


@pytest.fixture
def ada(sso_app, provider):
    """A person who signed in with the provider: their identity and provider session."""
    with sso_app.app_context():
        north = db.session.scalar(select(Team).filter_by(name="North"))
        user = people.upsert(provider.issuer, {"sub": "ada-sub", "name": "Ada"}, "field_worker", north)
        db.session.add(SsoSession(user_id=user.id, issuer=provider.issuer, sid="ada-sid"))
        db.session.commit()
        return user.id


def ada_on_a_phone(sso_app):
    phone = sso_app.test_client()
    _pending_handoff(sso_app, phone, db_username(sso_app))
    answer = _redeem(phone)
    assert answer.status_code == 200
    return phone, answer.json["device_key"]


def db_username(app):
    with app.app_context():
        return db.session.scalar(select(User.username).join(SsoIdentity, SsoIdentity.user_id == User.id)
                                 .where(SsoIdentity.subject == "ada-sub"))


@pytest.mark.parametrize("claims", [{"sub": "ada-sub"}, {"sid": "ada-sid"}, {"sub": "ada-sub", "sid": "ada-sid"}])
def test_a_valid_logout_token_ends_the_persons_sessions_and_the_phone_hears_it(sso_app, provider, ada, claims):
    phone, key = ada_on_a_phone(sso_app)
    answer = sso_app.test_client().post(LOGOUT, data={"logout_token": provider.logout_token(**claims)})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"
    with sso_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeviceKey).where(DeviceKey.user_id == ada)) == 0
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "sso_logout")) == "sso_logout"
    # The phone's next contact: the session ended (which makes the PWA wipe), and nothing is read.
    assert phone.get("/api/auth/session").json["ended"] == "session_ended"
    assert phone.get("/api/concerns", headers={"X-SafeVisit-Device": key}).status_code == 401


@pytest.mark.parametrize("change, why", [
    ({"key": "rogue"}, "signature"),
    ({"iss": "https://login.example/other"}, "issuer"),
    ({"aud": "another-client"}, "client"),
    ({"iat": int(time.time()) - 3600}, "too long ago"),
    ({"iat": None}, "no stated time"),
    ({"exp": int(time.time()) - 3600}, "expired"),
    ({"events": None}, "event"),
    ({"events": {"http://schemas.openid.net/event/other": {}}}, "event"),
    ({"nonce": "n-1"}, "nonce"),
    ({"sub": None, "sid": None}, "neither"),
])
def test_a_bad_logout_token_is_refused_and_ends_nothing(sso_app, provider, ada, change, why):
    phone, key = ada_on_a_phone(sso_app)
    claims = {"sub": "ada-sub", "sid": "ada-sid", **change}
    signer = signing_key("test-signing-key") if claims.pop("key", None) == "rogue" else None
    answer = sso_app.test_client().post(LOGOUT, data={"logout_token": provider.logout_token(key=signer, **claims)})
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "invalid_logout_token" and why in answer.json["error"]["message"]
    assert phone.get("/api/concerns", headers={"X-SafeVisit-Device": key}).status_code == 200


def test_a_logout_for_someone_unknown_or_with_no_token_changes_nothing(sso_app, provider, ada):
    phone, key = ada_on_a_phone(sso_app)
    client = sso_app.test_client()
    assert client.post(LOGOUT, data={"logout_token": provider.logout_token(sub="nobody", sid="x")}).status_code == 200
    assert client.post(LOGOUT, data={}).status_code == 400
    assert client.post(LOGOUT, data={"logout_token": "not.a.jwt"}).status_code == 400
    assert phone.get("/api/concerns", headers={"X-SafeVisit-Device": key}).status_code == 200
