"""A live SafeVisit server and a real Chromium at phone size, for the PWA journeys.

The server runs in a thread (werkzeug) on a free port with its own migrated SQLite
database, the procedure loaded and the demo accounts seeded. Each test gets a fresh
browser context, so service worker, caches and IndexedDB start empty.
"""
import json
import os
import threading
import uuid
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import create_engine, make_url, text
from werkzeug.serving import make_server

from backend import create_app
from backend.accounts.demo import seed_demo
from backend.extensions import db
from backend.procedures import store
from tests.waiting import DEADLINE

ROOT = Path(__file__).resolve().parent.parent
# Chapter v10 as first encoded (revision 1) and revision 2, kept by older concerns, then
# revision 3, current.
PROCEDURE_FILES = [ROOT / "procedure_data" / "child-abuse-and-the-internet" / name
                   for name in ("v10.json", "v10-r2.json", "v10-r3.json")]
PROCEDURE_FILE = PROCEDURE_FILES[-1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "e2e-demo-password"
PASSCODE = "e2e-passcode-2468"  # the device passcode every journey sets at first sign-in
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "en-GB", "timezone_id": "Europe/London"}
# Waits are deadlines: an expectation may take up to the suite's deadline on a slow, loaded
# machine, and returns as soon as it holds on a fast one (actions keep Playwright's 30 s).
DEADLINE_MS = DEADLINE * 1000
expect.set_options(timeout=DEADLINE_MS)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def launch_options() -> dict:
    """SAFEVISIT_CHROMIUM names the browser; the word "playwright" means Playwright's own."""
    browser = os.environ.get("SAFEVISIT_CHROMIUM", "/usr/bin/chromium")
    options = {"args": CHROMIUM_ARGS}
    if browser != "playwright":
        options["executable_path"] = browser
    return options


def database_url(sqlite_path: Path) -> str:
    """A fresh database for one server: the SQLite file, or with SAFEVISIT_TEST_DATABASE_URL
    set, a new database of its own on that PostgreSQL server (so servers never share rows)."""
    base = os.environ.get("SAFEVISIT_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{sqlite_path}"
    name = f"e2e_{sqlite_path.stem.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


class LiveServer:
    """The app in a werkzeug thread; `url` is its origin."""

    def __init__(self, database: Path, **config):
        self.app = create_app({
            "TESTING": True,
            "SECRET_KEY": "e2e-secret-key-that-is-long-enough",
            "SQLALCHEMY_DATABASE_URI": database_url(database),
            "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
            # Every test signs in from 127.0.0.1; the per-address limit is tested in tests/.
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
            **config,
        })
        with self.app.app_context():
            upgrade()
            for path in PROCEDURE_FILES:
                store.load(json.loads(path.read_text(encoding="utf-8")))
            seed_demo(PASSWORD)
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status) as the server saw them
        self.server = make_server("127.0.0.1", 0, self._recording, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _recording(self, environ, start_response):
        def record(status, headers, exc_info=None):
            self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status[:3])))
            return start_response(status, headers, exc_info)
        return self.app(environ, record)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("e2e") / "e2e.sqlite3")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(**launch_options())
    yield browser
    browser.close()


class PageErrors(list):
    """Uncaught errors in the page; a journey that throws has not really passed."""

    def attach(self, page):
        page.on("pageerror", lambda error: self.append(str(error)))
        return page


@pytest.fixture
def page_errors():
    errors = PageErrors()
    yield errors
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    yield context
    context.close()


@pytest.fixture
def page(context, page_errors):
    return page_errors.attach(context.new_page())


def sign_in(page, username="worker", password=PASSWORD, passcode=PASSCODE):
    """Signs in; sets the device passcode on first sign-in, or unlocks with it."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    hello = page.get_by_role("heading", level=1, name="Hello")
    set_code = page.get_by_role("heading", level=1, name="Set a passcode for this phone")
    locked = page.get_by_role("heading", level=1, name="SafeVisit is locked")
    hello.or_(set_code).or_(locked).wait_for(timeout=DEADLINE_MS)
    if set_code.is_visible():
        page.get_by_label("New passcode").fill(passcode)
        page.get_by_label("Type it again").fill(passcode)
        page.get_by_role("button", name="Set passcode").click()
    elif locked.is_visible():
        unlock(page, passcode)
    hello.wait_for(timeout=DEADLINE_MS)
    wait_for_offline_ready(page)


def unlock(page, passcode=PASSCODE):
    """The lock screen shown after a reload or a quiet spell; the passcode opens it."""
    page.get_by_role("heading", level=1, name="SafeVisit is locked").wait_for(timeout=DEADLINE_MS)
    page.get_by_label("Passcode", exact=True).fill(passcode)
    page.get_by_role("button", name="Unlock").click()
    page.get_by_role("heading", level=1, name="SafeVisit is locked").wait_for(state="detached", timeout=DEADLINE_MS)


def wait_for_offline_ready(page):
    """The service worker is active (shell and procedure precached) and controls the page."""
    page.wait_for_function("""async () => {
        const reg = await navigator.serviceWorker.ready;
        return reg.active && reg.active.state === 'activated' && !!navigator.serviceWorker.controller;
    }""", timeout=DEADLINE_MS)


def screenshot(page, name, full_page=False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


_axe = Axe()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings, as readable lines."""
    results = _axe.run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
