"""Limits count each attempt before checking it: a parallel burst against two gunicorn servers
sharing Redis has no more passwords, setup codes or authenticator codes checked than the limit."""
import datetime as dt
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from backend.accounts.credential_models import SetupCode, TotpFactor
from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.process_support import Gunicorn, RedisServer

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs Debian's redis-server (make test installs it)")

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def servers(app, demo_users):
    redis = RedisServer()
    shared = {"RATELIMIT_STORAGE_URI": redis.url}
    pair = [Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=3, env=shared) for _ in range(2)]
    try:
        for server in pair:
            server.start()
        yield [server.url for server in pair]
    finally:
        for server in pair:
            server.stop()
        redis.stop()


class Browser:
    def __init__(self, base: str):
        self.base, self.http = base, requests.Session()
        self.csrf = self.http.get(base + "/api/auth/session").json()["csrf_token"]

    def post(self, path: str, body: dict) -> requests.Response:
        response = self.http.post(self.base + path, json=body, headers={"X-CSRFToken": self.csrf})
        if response.headers.get("content-type", "").startswith("application/json"):
            self.csrf = response.json().get("csrf_token", self.csrf)
        return response


def burst(calls) -> list[int]:
    """Every call released at the same moment, on its own thread."""
    gate = threading.Barrier(len(calls))

    def run(call):
        gate.wait()
        return call().status_code

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def audited(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action=action))


def test_a_burst_of_wrong_passwords_is_checked_no_more_than_the_limit(app, servers):
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    browsers = [Browser(servers[n % 2]) for n in range(12)]
    statuses = burst([lambda b=b, n=n: b.post("/api/auth/login", {"username": "manager",
                                                                   "password": f"wrong-{n}"})
                      for n, b in enumerate(browsers)])
    assert statuses.count(401) <= limit and set(statuses) <= {401, 429}, statuses
    assert statuses.count(429) >= 12 - limit
    # The allowance is spent for that address: even the right password now waits.
    assert Browser(servers[0]).post("/api/auth/login", {"username": "manager",
                                                        "password": DEMO_PASSWORD}).status_code == 429


def test_a_burst_of_wrong_authenticator_codes_is_checked_no_more_than_the_limit(app, servers):
    with app.app_context():
        manager = db.session.scalar(select(User).filter_by(username="manager"))
        db.session.add(TotpFactor(user_id=manager.id, secret=SECRET, confirmed_at=dt.datetime(2026, 1, 1)))
        db.session.commit()
    limit = int(app.config["MFA_LIMIT"].split()[0])
    # 28 pending sign-ins (the password was right each time), one wrong code each, all at once.
    pending = []
    for n in range(28):
        browser = Browser(servers[n % 2])
        answer = browser.post("/api/auth/login", {"username": "manager", "password": DEMO_PASSWORD})
        assert answer.status_code == 200 and answer.json()["second_factor"] == "code", answer.text
        pending.append(browser)
    statuses = burst([lambda b=b, n=n: b.post("/api/auth/two-step/verify", {"code": f"{n:06d}"})
                      for n, b in enumerate(pending)])
    assert statuses.count(401) <= limit and set(statuses) <= {401, 429}, statuses
    assert audited(app, "second_factor_refused") == statuses.count(401)


def test_one_pending_sign_in_has_one_code_checked_at_a_time(app, servers):
    with app.app_context():
        manager = db.session.scalar(select(User).filter_by(username="manager"))
        db.session.add(TotpFactor(user_id=manager.id, secret=SECRET, confirmed_at=dt.datetime(2026, 1, 1)))
        db.session.commit()
    browser = Browser(servers[0])
    assert browser.post("/api/auth/login", {"username": "manager", "password": DEMO_PASSWORD}).status_code == 200
    cookies = browser.http.cookies.get_dict()

    def replay(n: int, base: str):
        copy = requests.Session()
        copy.cookies.update(cookies)
        return copy.post(base + "/api/auth/two-step/verify", json={"code": f"{n:06d}"},
                         headers={"X-CSRFToken": browser.csrf})

    statuses = burst([lambda n=n: replay(n, servers[n % 2]) for n in range(8)])
    assert set(statuses) <= {401, 429} and statuses.count(401) <= 5, statuses
    assert audited(app, "second_factor_refused") == statuses.count(401)


def test_a_burst_of_wrong_setup_codes_is_checked_no_more_than_the_limit(app, servers):
    with app.app_context():
        carer = db.session.scalar(select(User).filter_by(username="carer"))
        now = dt.datetime.utcnow()
        db.session.add(SetupCode(user_id=carer.id, code_hash="0" * 64, issued_by=carer.id, created_at=now,
                                 expires_at=now + dt.timedelta(days=1)))
        db.session.commit()
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    browsers = [Browser(servers[n % 2]) for n in range(12)]
    statuses = burst([lambda b=b, n=n: b.post("/api/auth/setup-code", {
        "username": "carer", "code": f"WRONG-CODE-{n:04d}", "password": "a-long-new-password-1"})
        for n, b in enumerate(browsers)])
    assert statuses.count(401) <= limit and set(statuses) <= {401, 429}, statuses
