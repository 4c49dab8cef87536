"""Configuration read from the environment, once, when the app is built."""
import os
from pathlib import Path

from .urgency import Urgency

DEV_SECRET = "dev-only-not-secret"
REPO_ROOT = Path(__file__).resolve().parent.parent
# The real push services' hosts; "*." entries match any subdomain.
# The longest idle lock the PWA offers (pwa/js/vault.js IDLE_CHOICES): a session idle for longer
# than this cannot still be in use by an unlocked app, so the server's idle lifetime may not exceed it.
LONGEST_LOCK_MINUTES = 15
PUSH_SERVICES = ("fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,"
                 "*.push.apple.com,*.notify.windows.com")


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _optional_bool(name: str) -> bool | None:
    raw = os.environ.get(name)
    return None if raw is None else _bool(name, False)


# How long after submission each recommended action is due, by its urgency (hours).
ACTION_DUE_HOURS = "immediate=0,urgent=24,soon=72,routine=240"


def _due_hours(raw: str) -> dict[str, float]:
    hours = {}
    for item in raw.split(","):
        name, _, value = item.partition("=")
        hours[name.strip()] = float(value)
    missing = {level.value for level in Urgency} - set(hours)
    if missing:
        raise RuntimeError(f"SAFEVISIT_ACTION_DUE_HOURS lacks {', '.join(sorted(missing))}.")
    return hours


def from_environment(instance_path: str) -> dict:
    """Build the config mapping; every setting here is documented in the README."""
    env = os.environ.get("SAFEVISIT_ENV", "production")
    development = env == "development"
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "safevisit.sqlite3")
    )
    # SQLAlchemy wants the driver named; hosted PostgreSQL URLs often omit it.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SAFEVISIT_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or (DEV_SECRET if development else None),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # pool_pre_ping checks a pooled connection before use, so a restarted database is
        # picked up again without restarting the app. hide_parameters keeps bound values
        # (answers, notes, case references) out of every logged database error.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "MAX_CONTENT_LENGTH": int(os.environ.get("SAFEVISIT_MAX_BODY_BYTES", 256 * 1024)),
        "SESSION_COOKIE_SECURE": _bool("SAFEVISIT_SECURE_COOKIES", not development),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Failed logins per account from one address (or one known browser); per account from
        # browsers it does not know, all addresses together; see backend/accounts/login_limits.py.
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("SAFEVISIT_LOGIN_LIMIT_ACCOUNT", "5 per minute"),
        "LOGIN_LIMIT_ACCOUNT_WIDE": os.environ.get("SAFEVISIT_LOGIN_LIMIT_ACCOUNT_WIDE", "20 per minute"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("SAFEVISIT_LOGIN_LIMIT_ADDRESS", "30 per minute"),
        # Sessions: idle counts from the last request of an unlocked app (one that
        # carries the device key); the absolute lifetime from the sign-in, whatever happens.
        "SESSION_IDLE_MINUTES": float(os.environ.get("SAFEVISIT_SESSION_IDLE_MINUTES", str(LONGEST_LOCK_MINUTES))),
        "SESSION_ABSOLUTE_HOURS": float(os.environ.get("SAFEVISIT_SESSION_ABSOLUTE_HOURS", "12")),
        # TOTP for local manager and admin accounts (backend/accounts/second_factor.py). Unset, it
        # is on in production and off in development and tests (settle_defaults).
        "REQUIRE_MFA": _optional_bool("SAFEVISIT_REQUIRE_MFA"),
        # Wrong second-factor codes allowed per account, whatever the address: a 6-digit code
        # must not be guessable by someone who already has the password.
        "MFA_LIMIT": os.environ.get("SAFEVISIT_MFA_LIMIT", "5 per minute;20 per hour"),
        # A manager's mobile number verified by text (backend/sms/limits.py): codes texted and
        # codes tried, each per account and per number, counted before sending or checking.
        "SMS_CODES_SENT_LIMIT": os.environ.get("SAFEVISIT_SMS_CODES_SENT_LIMIT", "5 per day"),
        "SMS_CODE_GUESS_LIMIT": os.environ.get("SAFEVISIT_SMS_CODE_GUESS_LIMIT", "10 per day"),
        "PROXY_HOPS": int(os.environ.get("SAFEVISIT_PROXY_HOPS", "0")),
        "SYNC_CURSOR_SETTLE_SECONDS": float(os.environ.get("SAFEVISIT_SYNC_CURSOR_SETTLE_SECONDS", "5")),
        # Web Push (backend/push/): see the README's "Push alerts".
        "VAPID_PRIVATE_KEY_FILE": os.environ.get(
            "SAFEVISIT_VAPID_PRIVATE_KEY_FILE", os.path.join(instance_path, "vapid_private.pem")),
        "VAPID_SUBJECT": os.environ.get(
            "SAFEVISIT_VAPID_SUBJECT", "mailto:safevisit@example.org" if development else None),
        "PUSH_ALLOWED_HOSTS": [h.strip().lower() for h in os.environ.get(
            "SAFEVISIT_PUSH_ALLOWED_HOSTS", PUSH_SERVICES).split(",") if h.strip()],
        "PUSH_TEST_RECEIVER": _bool("SAFEVISIT_PUSH_TEST_RECEIVER", False),
        "PUSH_ESCALATION_MINUTES": float(os.environ.get("SAFEVISIT_PUSH_ESCALATION_MINUTES", "15")),
        # A channel is "working" while its last delivery (or test acknowledgement) is this recent.
        "PUSH_HEALTHY_DAYS": float(os.environ.get("SAFEVISIT_PUSH_HEALTHY_DAYS", "7")),
        # The escalation chain (backend/alerts/chain.py, checked when the app starts): step=minutes[+sms], in order.
        "ESCALATION_CHAIN": os.environ.get("SAFEVISIT_ESCALATION_CHAIN", "secondary=10+sms,team=20+sms,admins=30"),
        # SMS through GOV.UK Notify (backend/sms/): off unless the key and template are set.
        "NOTIFY_API_KEY": os.environ.get("SAFEVISIT_NOTIFY_API_KEY") or None,
        "NOTIFY_SMS_TEMPLATE_ID": os.environ.get("SAFEVISIT_NOTIFY_SMS_TEMPLATE_ID") or None,
        "NOTIFY_BASE_URL": os.environ.get("SAFEVISIT_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        # The address people open SafeVisit at: the link in an alert's text message.
        "PUBLIC_URL": (os.environ.get("SAFEVISIT_PUBLIC_URL") or "").rstrip("/") or None,
        "PUSH_SEND_TIMEOUT": float(os.environ.get("SAFEVISIT_PUSH_SEND_TIMEOUT", "10")),
        # Recommended actions (backend/concerns/lifecycle.py): hours after submission, by urgency.
        # Validated here, so a mistyped schedule stops the app rather than a night's purge.
        "RETENTION": os.environ.get("SAFEVISIT_RETENTION", ""),  # checked by records.init_app
        "ACTION_DUE_HOURS": _due_hours(os.environ.get("SAFEVISIT_ACTION_DUE_HOURS", ACTION_DUE_HOURS)),
        "PUSH_TTL": int(os.environ.get("SAFEVISIT_PUSH_TTL", str(24 * 3600))),
        # Operations (backend/operations/): an alert worker not seen for this long is taken
        # to be down (/api/ready, the warning on the duty queue, `alerting` in a sync answer).
        "WORKER_STALE_SECONDS": float(os.environ.get("SAFEVISIT_WORKER_STALE_SECONDS", "60")),
        # `GET /metrics` answers only with this bearer token; unset, metrics are off (404).
        "METRICS_TOKEN": os.environ.get("SAFEVISIT_METRICS_TOKEN") or None,
        # json: one object a line with request_id, user_id and role (backend/operations/logs.py).
        "LOG_FORMAT": os.environ.get("SAFEVISIT_LOG_FORMAT", "text" if development else "json"),
        # Single sign-on with OpenID Connect (backend/sso/): on when an issuer is set.
        # Exactly as the provider states it: Auth0's issuer ends in "/", and tokens carry it so.
        "OIDC_ISSUER": os.environ.get("SAFEVISIT_OIDC_ISSUER", "").strip() or None,
        "OIDC_CLIENT_ID": os.environ.get("SAFEVISIT_OIDC_CLIENT_ID"),
        "OIDC_CLIENT_SECRET": os.environ.get("SAFEVISIT_OIDC_CLIENT_SECRET"),
        "OIDC_ROLE_CLAIM": os.environ.get("SAFEVISIT_OIDC_ROLE_CLAIM", "roles"),
        "OIDC_TEAM_CLAIM": os.environ.get("SAFEVISIT_OIDC_TEAM_CLAIM"),
        # Whom a person whose claims map to nothing should ask (shown on the refusal page).
        # Back-channel logout posts, per address (the provider's server).
        "OIDC_LOGOUT_LIMIT": os.environ.get("SAFEVISIT_OIDC_LOGOUT_LIMIT", "60 per minute"),
        # Shared devices: the provider asks for the password every time (prompt=login).
        "OIDC_PROMPT_LOGIN": _bool("SAFEVISIT_OIDC_PROMPT_LOGIN", False),
        # Managers and admins must have used a second factor at the provider (sso/claims_source.py).
        "OIDC_REQUIRED_ACR": os.environ.get("SAFEVISIT_OIDC_REQUIRED_ACR") or None,
        "OIDC_MFA_AMR": os.environ.get("SAFEVISIT_OIDC_MFA_AMR") or None,
        "OIDC_HELP_CONTACT": os.environ.get("SAFEVISIT_OIDC_HELP_CONTACT", "your SafeVisit administrator"),
    }


def settle_defaults(config) -> None:
    """Defaults that depend on settings a test may pass in after the environment is read."""
    if config.get("REQUIRE_MFA") is None:
        relaxed = config.get("TESTING") or config.get("SAFEVISIT_ENV") == "development"
        config["REQUIRE_MFA"] = not relaxed


def check(config: dict) -> None:
    """Refuse to run without a real secret outside development and tests."""
    secret = config.get("SECRET_KEY")
    relaxed = config.get("TESTING") or config.get("SAFEVISIT_ENV") == "development"
    if not secret or (secret == DEV_SECRET and not relaxed):
        raise RuntimeError(
            "SECRET_KEY must be set to a long random value outside development "
            "(for local use set SAFEVISIT_ENV=development)."
        )
    if len(secret) < 16 and not relaxed:
        raise RuntimeError("SECRET_KEY is too short: use at least 32 random characters.")
    idle = config.get("SESSION_IDLE_MINUTES", LONGEST_LOCK_MINUTES)
    if not 0 < idle <= LONGEST_LOCK_MINUTES:
        raise RuntimeError(f"SAFEVISIT_SESSION_IDLE_MINUTES must be more than 0 and at most "
                           f"{LONGEST_LOCK_MINUTES}, the longest lock the app offers.")
    if not 0 < config.get("SESSION_ABSOLUTE_HOURS", 12) <= 24 * 7:
        raise RuntimeError("SAFEVISIT_SESSION_ABSOLUTE_HOURS must be more than 0 and at most 168.")
    if bool(config.get("NOTIFY_API_KEY")) != bool(config.get("NOTIFY_SMS_TEMPLATE_ID")):
        raise RuntimeError("Set both SAFEVISIT_NOTIFY_API_KEY and SAFEVISIT_NOTIFY_SMS_TEMPLATE_ID "
                           "(SMS on), or neither (SMS off).")
    if config.get("NOTIFY_API_KEY") and not config.get("PUBLIC_URL"):
        raise RuntimeError("SMS alerts link to SafeVisit: set SAFEVISIT_PUBLIC_URL (https://…).")
    if config.get("OIDC_ISSUER"):
        missing = [name for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_TEAM_CLAIM", "OIDC_ROLE_CLAIM")
                   if not config.get(name)]
        if missing:
            raise RuntimeError("SAFEVISIT_OIDC_ISSUER is set, so single sign-on also needs "
                               + ", ".join("SAFEVISIT_" + name for name in missing) + ".")
    if config.get("LOG_FORMAT", "json") not in ("json", "text"):
        raise RuntimeError("SAFEVISIT_LOG_FORMAT is json or text.")
    if config.get("PUSH_TEST_RECEIVER") and not config.get("TESTING"):
        raise RuntimeError("SAFEVISIT_PUSH_TEST_RECEIVER lets push go to a loopback address: "
                           "it is for the test suite only (TESTING) and refused here.")
