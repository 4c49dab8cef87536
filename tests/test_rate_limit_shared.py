"""The login limit holds across processes when they share a store (RATELIMIT_STORAGE_URI)."""
import shutil

import pytest
import requests

from tests.process_support import Gunicorn, RedisServer


def attempt(base: str, password: str) -> int:
    session = requests.Session()
    token = session.get(base + "/api/auth/session").json()["csrf_token"]
    return session.post(base + "/api/auth/login", json={"username": "manager", "password": password},
                        headers={"X-CSRFToken": token}).status_code


@pytest.mark.skipif(shutil.which("redis-server") is None,
                    reason="needs Debian's redis-server (make test installs it)")
def test_failed_logins_are_counted_across_two_server_processes(app, demo_users):
    redis = RedisServer()
    shared = {"RATELIMIT_STORAGE_URI": redis.url}
    one = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=1, env=shared)
    two = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=1, env=shared)
    try:
        one.start()
        two.start()
        # Five wrong passwords, spread over both processes, use up the account's allowance...
        statuses = [attempt((one, two)[i % 2].url, f"wrong-{i}") for i in range(5)]
        assert statuses == [401] * 5
        # ...so both now refuse, even the right password.
        assert attempt(one.url, "demo-password-for-tests") == 429
        assert attempt(two.url, "demo-password-for-tests") == 429
    finally:
        one.stop()
        two.stop()
        redis.stop()
