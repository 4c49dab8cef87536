"""Shared pieces of the benchmarks: a database prepared with the real migrations, a gunicorn
server on loopback, timing helpers. Benchmarks print figures; they are not tests."""
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.waiting import stop_process, wait_for_http  # noqa: E402 (needs ROOT on the path)

PROCEDURE = ROOT / "procedure_data" / "child-abuse-and-the-internet" / "v10.json"
SECRET = "benchmark-secret-key-not-for-production-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(database_url: str | None, users: list[tuple[str, str, str]], password: str) -> str:
    """Migrate, load the procedure, create users; returns the database URL used."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from backend import create_app
    from backend.accounts.service import create_user
    from backend.extensions import db
    from backend.procedures import store

    if not database_url:
        database_url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="safevisit-bench-"), "bench.sqlite3")
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # start from an empty schema every run
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        store.load(json.loads(PROCEDURE.read_text()))
        for username, role, team in users:
            create_user(username, password, role, team)
        db.session.commit()
        db.engine.dispose()
    return database_url


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int, extra_env: dict | None = None):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
           "SAFEVISIT_ENV": "production", "SAFEVISIT_SECURE_COOKIES": "0",
           "SAFEVISIT_LOGIN_LIMIT_ACCOUNT": "1000 per minute",
           "SAFEVISIT_LOGIN_LIMIT_ADDRESS": "100000 per minute", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             # Gunicorn 27 opens a control socket at one shared path in $HOME: servers started
             # side by side (tests, benchmarks, another checkout) would fight over it.
             "--no-control-socket", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/health", process=process)
        yield base
    finally:
        stop_process(process, group=True)


def add_postgres_option(parser) -> None:
    parser.add_argument("--postgres", action="store_true",
                        help="start a throwaway PostgreSQL cluster (Debian's postgresql) for the run")


def run_with_database(args, run) -> None:
    """run(args), on a throwaway PostgreSQL cluster when --postgres asks for one."""
    if not (args.postgres and not args.database_url):
        run(args)
        return
    from tests.process_support import PostgresCluster
    cluster = PostgresCluster()
    cluster.init()
    try:
        args.database_url = cluster.url
        run(args)
    finally:
        cluster.remove()


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    token = session.get(base + "/api/auth/session", timeout=30).json()["csrf_token"]
    response = session.post(base + "/api/auth/login", json={"username": username, "password": password},
                            headers={"X-CSRFToken": token}, timeout=60)
    response.raise_for_status()
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    session.headers["X-SafeVisit-Device"] = response.json()["device_key"]  # as an unlocked app sends it
    return session


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def describe(latencies: list[float]) -> str:
    return (f"p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms, "
            f"mean {statistics.fmean(latencies) * 1000:.1f} ms")
