"""Fixtures: a migrated database per test (SQLite copy or truncated PostgreSQL), app, client."""
import json
import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from backend import create_app
from backend.extensions import db
from backend.procedures import store

ROOT = Path(__file__).resolve().parent.parent
PROCEDURE_DIR = ROOT / "procedure_data" / "child-abuse-and-the-internet"
# Chapter v10 as first encoded (revision 1), revision 2 (both kept by older concerns and
# drafts), then revision 3, the current one: loaded in this order, as `make run` does.
PROCEDURE_FILES = [PROCEDURE_DIR / "v10.json", PROCEDURE_DIR / "v10-r2.json", PROCEDURE_DIR / "v10-r3.json"]
PROCEDURE_FILE = PROCEDURE_FILES[-1]
SLUG = "child-abuse-and-the-internet"
# Set to a PostgreSQL URL to run the whole suite there; SQLite files otherwise.
TEST_DATABASE_URL = os.environ.get("SAFEVISIT_TEST_DATABASE_URL", "")


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": database_url,
    }


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Run the real migrations once; each test then starts from their result."""
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("template") / "template.sqlite3")
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _fresh_database(template_url: str, tmp_path) -> str:
    if TEST_DATABASE_URL:
        app = create_app(base_config(template_url))
        with app.app_context():
            tables = [t.name for t in db.metadata.sorted_tables]
            with db.engine.begin() as conn:
                conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
            db.engine.dispose()
        return template_url
    target = tmp_path / "test.sqlite3"
    shutil.copy(template_url.removeprefix("sqlite:///"), target)
    return "sqlite:///" + str(target)


@pytest.fixture
def procedure_document() -> dict:
    return json.loads(PROCEDURE_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def app(migrated_template, tmp_path, procedure_document):
    app = create_app({**base_config(_fresh_database(migrated_template, tmp_path)),
                      "INSTANCE_TMP": str(tmp_path)})
    with app.app_context():
        for earlier in PROCEDURE_FILES[:-1]:
            store.load(json.loads(earlier.read_text(encoding="utf-8")))
        store.load(procedure_document)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


DEMO_PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo_users(app):
    from backend.accounts.demo import seed_demo
    with app.app_context():
        seed_demo(DEMO_PASSWORD)


class ApiClient:
    """A device: a test client that signs in and sends the CSRF token like the PWA does, and
    the device key from the login answer like an unlocked PWA does (X-SafeVisit-Device)."""

    def __init__(self, client):
        self.client = client
        self.csrf = None
        self.device_key = None

    def _headers(self, extra):
        base = {"X-SafeVisit-Device": self.device_key} if self.device_key else {}
        return {**base, **(extra or {})}

    def refresh_csrf(self):
        self.csrf = self.client.get("/api/auth/session").json["csrf_token"]
        return self.csrf

    def login(self, username, password=DEMO_PASSWORD):
        self.refresh_csrf()
        response = self.post("/api/auth/login", {"username": username, "password": password})
        if response.status_code == 200:
            self.csrf = response.json["csrf_token"]
            self.device_key = response.json["device_key"]
        return response

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url, body=None, **kwargs):
        headers = self._headers({"X-CSRFToken": self.csrf or "", **kwargs.pop("headers", {})})
        return self.client.post(url, json=body if body is not None else {}, headers=headers, **kwargs)

    def patch(self, url, body=None, **kwargs):
        headers = self._headers({"X-CSRFToken": self.csrf or "", **kwargs.pop("headers", {})})
        return self.client.patch(url, json=body if body is not None else {}, headers=headers, **kwargs)

    def without_csrf(self) -> dict:
        """Headers of an unlocked device that lost its CSRF token: only the token is missing."""
        return self._headers({})


@pytest.fixture
def device(app, demo_users):
    """Make signed-in devices: device("worker") -> ApiClient."""
    def make(username=None):
        api = ApiClient(app.test_client())
        if username:
            response = api.login(username)
            assert response.status_code == 200, response.json
        return api
    return make
