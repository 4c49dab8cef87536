"""Nobody can lock a named manager out. Failures count per account and
address; a browser that signed in to the account before has its own allowance; a guesser
spread over many addresses is slowed account-wide, but never the manager's known browsers."""
from tests.conftest import DEMO_PASSWORD, ApiClient

ATTACKER, MANAGERS_DESK, ELSEWHERE = "203.0.113.66", "198.51.100.7", "192.0.2.40"


def browser(app, address: str) -> ApiClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return ApiClient(client)


def fail(api: ApiClient, username="manager", times=5) -> list[int]:
    return [api.login(username, f"wrong-{n}").status_code for n in range(times)]


def test_five_wrong_passwords_from_one_address_do_not_stop_the_manager_elsewhere(app, demo_users):
    assert fail(browser(app, ATTACKER)) == [401] * 5
    assert browser(app, ATTACKER).login("manager").status_code == 429  # that address waits
    assert browser(app, MANAGERS_DESK).login("manager").status_code == 200


def test_a_differently_written_username_is_the_same_account_and_the_same_allowance(app, demo_users):
    attacker = browser(app, ATTACKER)
    assert fail(attacker, " MANAGER ") == [401] * 5
    # Normalised like the login: the attacker's address is out of tries for `manager` ...
    limited = browser(app, ATTACKER).login("manager")
    assert limited.status_code == 429 and limited.json["error"]["code"] == "too_many_requests"
    # ... and the real manager, writing it either way, is not.
    assert browser(app, MANAGERS_DESK).login(" Manager ").status_code == 200
    assert browser(app, ELSEWHERE).login("manager").status_code == 200


def test_a_browser_that_signed_in_before_gets_through_even_from_the_attackers_address(app, demo_users):
    phone = browser(app, ATTACKER)  # the manager's phone on the same public Wi-Fi as the attacker
    assert phone.login("manager").status_code == 200
    cookie = phone.client.get_cookie("safevisit_known", path="/api/auth")
    assert cookie is not None and cookie.http_only and "manager" not in cookie.value
    assert fail(browser(app, ATTACKER)) == [401] * 5
    assert browser(app, ATTACKER).login("manager").status_code == 429
    assert phone.login("manager").status_code == 200


def test_the_known_browser_cookie_cannot_be_forged_or_borrowed(app, demo_users):
    assert fail(browser(app, ATTACKER)) == [401] * 5
    # A cookie the server did not sign is ignored.
    forged = browser(app, ATTACKER)
    forged.client.set_cookie("safevisit_known", "eyJpZCI6ImFhYSIsImEiOlsibWFuYWdlciJdfQ.forged", path="/api/auth")
    assert forged.login("manager").status_code == 429
    # The attacker's own real cookie (from signing in as themselves) says nothing about `manager`.
    own = browser(app, ATTACKER)
    assert own.login("worker").status_code == 200
    assert own.login("manager").status_code == 429


def test_a_known_browser_still_has_a_limit_of_its_own(app, demo_users):
    phone = browser(app, MANAGERS_DESK)
    assert phone.login("manager").status_code == 200
    assert fail(phone) == [401] * 5
    assert phone.login("manager").status_code == 429  # a stolen cookie is no licence to guess
    assert browser(app, ELSEWHERE).login("manager").status_code == 200


def test_a_guesser_spread_over_many_addresses_is_slowed_but_known_browsers_get_through(app, demo_users):
    desk = browser(app, MANAGERS_DESK)
    assert desk.login("manager").status_code == 200
    wide = app.config["LOGIN_LIMIT_ACCOUNT_WIDE"]
    allowed = int(wide.split()[0])
    statuses = [fail(browser(app, f"203.0.113.{n}"), times=1)[0] for n in range(1, allowed + 1)]
    assert statuses == [401] * allowed
    # A browser the account does not know now waits out the window (a minute at most) ...
    slowed = browser(app, ELSEWHERE).login("manager")
    assert slowed.status_code == 429 and 0 < int(slowed.headers["Retry-After"]) <= 60
    # ... while the manager's own desk signs in as usual, and other accounts are untouched.
    assert desk.login("manager").status_code == 200
    assert browser(app, ELSEWHERE).login("worker").status_code == 200


def test_the_right_password_is_not_counted_as_a_failure(app, demo_users):
    desk = browser(app, MANAGERS_DESK)
    for _ in range(8):
        assert desk.login("manager", DEMO_PASSWORD).status_code == 200
