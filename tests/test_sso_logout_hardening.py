"""Back-channel logout cannot be turned into an amplifier or replayed: the provider's keys are
fetched again only for a key id not seen before, at most once a minute; the endpoint is
rate-limited; each token's jti acts once; the token must be typed as a logout token; and the
answers name no library classes. The issuer is compared exactly as the provider states it
(Auth0's trailing "/" included). Against the real oidc-provider (tests/oidc_provider.py)."""
import re

import pytest
from authlib.integrations.flask_client import FlaskOAuth2App
from sqlalchemy import func, select

from backend import create_app
from backend.accounts.models import DeviceKey, Team
from backend.extensions import db
from backend.sso import people
from backend.sso.models import SsoSession
from tests.conftest import DEMO_PASSWORD, ApiClient, _fresh_database, base_config
from tests.oidc_provider import OidcProvider, apps_made_by, signing_key

LOGOUT = "/auth/oidc/backchannel-logout"


def start(tmp_path_factory, trailing_slash=False):
    return OidcProvider(tmp_path_factory.mktemp("oidc"), trailing_slash=trailing_slash).start("http://127.0.0.1:9")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = start(tmp_path_factory)
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def auth0_style(tmp_path_factory):
    provider = start(tmp_path_factory, trailing_slash=True)
    yield provider
    provider.stop()


def make_app(migrated_template, tmp_path, provider, **extra):
    app = create_app({**base_config(_fresh_database(migrated_template, tmp_path)), **provider.app_config(), **extra})
    with app.app_context():
        from backend.accounts.demo import seed_demo
        seed_demo(DEMO_PASSWORD)
        north = db.session.scalar(select(Team).filter_by(name="North"))
        user = people.upsert(provider.issuer, {"sub": "ada-sub", "name": "Ada"}, "field_worker", north)
        db.session.add(SsoSession(user_id=user.id, issuer=provider.issuer, sid="ada-sid"))
        db.session.add(DeviceKey(user_id=user.id, key_hash="b" * 64))
        db.session.commit()
        app.config["ADA"] = user.id
    return app


@pytest.fixture
def app_factory(migrated_template, tmp_path):
    yield from apps_made_by(make_app, migrated_template, tmp_path)


@pytest.fixture
def sso_app(app_factory, provider):
    return app_factory(provider)


@pytest.fixture
def forced_fetches(monkeypatch):
    """Counts the provider's key set being fetched again (force=True); the fetch itself is real."""
    calls = []
    real = FlaskOAuth2App.fetch_jwk_set

    def counting(self, force=False):
        if force:
            calls.append(1)
        return real(self, force=force)

    monkeypatch.setattr(FlaskOAuth2App, "fetch_jwk_set", counting)
    return calls


def keys_left(app):
    with app.app_context():
        return db.session.scalar(select(func.count(DeviceKey.id)).filter_by(user_id=app.config["ADA"]))


def post(app, token):
    return app.test_client().post(LOGOUT, data={"logout_token": token})


def test_junk_tokens_naming_unknown_keys_fetch_the_providers_keys_at_most_once_a_minute(sso_app, provider,
                                                                                      forced_fetches):
    answers = [post(sso_app, provider.logout_token(key=signing_key(f"rotated-{n}"), header={"kid": f"rotated-{n}"},
                                                   sub="ada-sub")) for n in range(20)]
    assert [a.status_code for a in answers] == [400] * 20
    assert len(forced_fetches) == 1
    assert keys_left(sso_app) == 1


def test_a_forged_token_under_a_known_key_id_fetches_nothing(sso_app, provider, forced_fetches):
    forged = provider.logout_token(key=signing_key("test-signing-key"), sub="ada-sub")
    answer = post(sso_app, forged)
    assert answer.status_code == 400 and "signature" in answer.json["error"]["message"]
    assert forced_fetches == []
    assert keys_left(sso_app) == 1


def test_a_logout_token_acts_once(sso_app, provider):
    token = provider.logout_token(sub="ada-sub")
    assert post(sso_app, token).status_code == 200
    again = post(sso_app, token)
    assert again.status_code == 400 and "used already" in again.json["error"]["message"]
    assert post(sso_app, provider.logout_token(sub="ada-sub", jti=None)).status_code == 400  # jti required


@pytest.mark.parametrize("typ", ["JWT", "at+jwt", "secevent+jwt"])
def test_a_token_not_typed_as_a_logout_token_is_refused(sso_app, provider, typ):
    answer = post(sso_app, provider.logout_token(header={"typ": typ}, sub="ada-sub"))
    assert answer.status_code == 400 and "typed" in answer.json["error"]["message"]
    assert keys_left(sso_app) == 1


@pytest.mark.parametrize("token", ["not.a.jwt", "eyJhbGciOiJub25lIn0.e30.", "x" * 50, "a.b.c.d.e"])
def test_refusals_name_no_library_class(sso_app, token):
    answer = post(sso_app, token)
    assert answer.status_code == 400
    message = answer.json["error"]["message"]
    assert not re.search(r"[A-Z][a-z]+[A-Z]\w*|Error|Exception", message), message


def test_the_endpoint_is_rate_limited_per_address(app_factory, provider):
    app = app_factory(provider, OIDC_LOGOUT_LIMIT="3 per minute")
    statuses = [post(app, "junk").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def test_an_issuer_with_a_trailing_slash_is_kept_and_its_logouts_work(app_factory, auth0_style):
    assert auth0_style.issuer.endswith("/")
    app = app_factory(auth0_style)
    assert app.config["OIDC_ISSUER"] == auth0_style.issuer
    # Discovery found the provider (no doubled slash), and the sign-in goes to its endpoint.
    api = ApiClient(app.test_client())
    api.refresh_csrf()
    start = api.post("/api/auth/oidc/start")
    assert start.status_code == 200, start.json
    assert start.json["authorization_url"].startswith(auth0_style.issuer + "auth?")
    answer = post(app, auth0_style.logout_token(sub="ada-sub"))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert keys_left(app) == 0
