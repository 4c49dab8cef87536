"""Who is counted when sign-ins fail, so that nobody can lock a named manager out.

- Failures are counted per account *and* address: five wrong passwords for `manager` from one
  place slow down that place, not the manager signing in from another.
- A browser that has signed in to the account before carries a signed "known browser" cookie
  (set at every successful login). It is counted on its own, never with the address it shares
  (an office NAT, a hotel Wi-Fi), and skips the account-wide limit, so an attack on the
  account cannot keep the manager's own phone or desk out.
- Across all addresses an account allows a larger number of failures per minute from
  browsers it does not know: a spread-out guesser is slowed to that rate (on top of Argon2),
  and a new browser may have to wait out the minute, while known browsers carry on.
Usernames are normalised exactly as the login looks them up (" MANAGER " is `manager`).
"""
import hashlib
import hmac
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..requests import text_errors

COOKIE = "safevisit_known"
COOKIE_PATH = "/api/auth"
MAX_ACCOUNTS = 8  # a shared tablet signs in a few people; older ones drop off
MAX_AGE = 180 * 24 * 3600


def account() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    # This runs before json_body refuses unstorable text (a 422): a lone surrogate must not
    # reach a shared limiter store (Redis cannot encode it, which would be a 500).
    usable = isinstance(name, str) and not text_errors(name)
    return name.strip().lower() if usable else "?"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="safevisit-known-browser")


def _tag(name: str) -> str:
    # The cookie names accounts only by a keyed digest: reading it says nothing about who.
    mac = hmac.new(current_app.secret_key.encode(), b"known-account:" + name.encode("utf-8", "surrogatepass"),
                   hashlib.sha256)
    return mac.hexdigest()[:32]


def _known() -> dict | None:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 2048:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if (not isinstance(data, dict) or not isinstance(data.get("id"), str)
            or not isinstance(data.get("a"), list)):
        return None
    return data


def known_browser() -> str | None:
    """This browser's id, if it has signed in to the account now being tried before."""
    data = _known()
    name = account()
    return data["id"] if data and name != "?" and _tag(name) in data["a"] else None


def is_known_browser() -> bool:
    return known_browser() is not None


def failure_key() -> str:
    browser = known_browser()
    where = f"browser:{browser}" if browser else f"address:{request.remote_addr or 'unknown'}"
    return f"login:{account()}:{where}"


def account_key() -> str:
    return f"login-account:{account()}"


def address_key() -> str:
    return f"login-address:{request.remote_addr or 'unknown'}"


def remember_browser(response, username: str) -> None:
    """After a successful login: this browser is known to the account from now on."""
    data = _known() or {"id": secrets.token_hex(16), "a": []}
    tag = _tag(username)
    tags = [t for t in data["a"] if isinstance(t, str) and t != tag][-(MAX_ACCOUNTS - 1):] + [tag]
    response.set_cookie(COOKIE, _serializer().dumps({"id": data["id"], "a": tags}), max_age=MAX_AGE,
                        path=COOKIE_PATH, secure=current_app.config["SESSION_COOKIE_SECURE"],
                        httponly=True, samesite="Strict")
