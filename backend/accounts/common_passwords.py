"""Passwords anyone would try first: the 20,000 most common passwords seen in breaches.

The list is the one Django ships for its CommonPasswordValidator (common-passwords.txt.gz,
Royce Williams' list drawn from Have I Been Pwned's breached passwords), kept up to date by
Django's security releases. Only the file is read: Django itself is never imported or
configured, and nothing is fetched at run time. As Django does, a password is compared in
lower case without surrounding spaces ("Password1234 " is "password1234").

Checked wherever a person chooses a password (a setup code) or an administrator sets one
(`flask users create`); sign-in with an existing password is not affected.
"""
import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

from marshmallow import ValidationError

MESSAGE = ("This password is one of the most common, or has been seen in a data breach, so it "
           "would be among the first tried. Choose another: a few unrelated words make a good one.")


def list_path() -> Path:
    # find_spec locates the package without running its __init__.
    spec = importlib.util.find_spec("django")
    if spec is None or spec.origin is None:
        raise RuntimeError("the common-password list comes with Django: pip install 'Django>=5.2'")
    return Path(spec.origin).parent / "contrib" / "auth" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def _passwords() -> frozenset[str]:
    with gzip.open(list_path(), "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    return password.lower().strip() in _passwords()


def size() -> int:
    return len(_passwords())


def not_common(password: str) -> None:
    """A marshmallow validator: 422 with MESSAGE on the field."""
    if is_common(password):
        raise ValidationError(MESSAGE)
