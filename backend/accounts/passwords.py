"""Password hashing with Argon2id."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@lru_cache(maxsize=2)
def _hasher(fast: bool) -> PasswordHasher:
    # Tests hash dozens of passwords; everywhere else gets argon2-cffi's defaults (RFC 9106).
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1) if fast else PasswordHasher()


def _current() -> PasswordHasher:
    return _hasher(bool(current_app.config.get("TESTING")))


def hash_password(password: str) -> str:
    return _current().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _current().verify(stored_hash, password)
    except VerificationError:
        return False
    except InvalidHashError:
        # An account with no password (single sign-on) takes as long to refuse as any other, so
        # timing does not tell which usernames belong to the organisation's staff.
        dummy_verify(password)
        return False


@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash("not-anybody's-password")


def dummy_verify(password: str) -> None:
    """Spend the time of a real check, so response times do not reveal which usernames exist."""
    verify_password(_dummy_hash(bool(current_app.config.get("TESTING"))), password)
