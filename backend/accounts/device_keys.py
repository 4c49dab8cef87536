"""Device keys: the second credential that a session cookie needs to reach personal data.

Issued at login, returned once in the login answer, and kept by the PWA only inside its
encrypted vault; the server keeps a SHA-256 of it, tied to the user and (by id) to the
session cookie that was issued with it. A locked app has no key in memory, so a cookie taken
from a locked or wiped phone reads nothing (backend/accounts/device_lock.py says where).
"""
import hashlib
import hmac
import secrets

from flask import session
from sqlalchemy import delete, select

from ..extensions import db
from .models import DeviceKey, User

HEADER = "X-SafeVisit-Device"
KEY_BYTES = 32  # 256 random bits: a guess is hopeless, so a fast hash is enough at rest
MAX_LENGTH = 100


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user: User) -> str:
    """A new key for the session being started; the caller has just filled `session`."""
    key = secrets.token_urlsafe(KEY_BYTES)
    row = DeviceKey(user_id=user.id, key_hash=_digest(key))
    db.session.add(row)
    db.session.flush()
    session["device"] = row.id
    return key


def forget_current() -> None:
    """The key of the session in this cookie stops counting (a new login replaces it)."""
    device_id = session.get("device")
    if isinstance(device_id, int):
        db.session.execute(delete(DeviceKey).where(DeviceKey.id == device_id))


def revoke_all(user: User) -> None:
    """Sign-out and deactivation: every key of the user is worthless from now on."""
    db.session.execute(delete(DeviceKey).where(DeviceKey.user_id == user.id))


def key_hash_of(device_id, user_id):
    """The stored hash of a device key of a user, as a scalar subquery (NULL when there is none),
    so a caller reading the user can read it in the same statement (sessions.py)."""
    return (select(DeviceKey.key_hash).where(DeviceKey.id == device_id, DeviceKey.user_id == user_id)
            .scalar_subquery())


def session_key_hash(user_id):
    """key_hash_of this session's key, or None when the session names none."""
    device_id = session.get("device")
    if not isinstance(device_id, int) or not isinstance(user_id, int):
        return None
    return key_hash_of(device_id, user_id)


UNREAD = object()  # the stored hash has not been read yet


def matches(user_id, presented: str | None, stored=UNREAD) -> bool:
    """Whether `presented` is the key issued with this session, to this user, and not revoked.
    `stored` is the hash read already with the user (session_key_hash); without it, it is read."""
    if not presented or len(presented) > MAX_LENGTH:
        return False
    if stored is UNREAD:
        query = session_key_hash(user_id)
        stored = db.session.scalar(select(query)) if query is not None else None
    return stored is not None and hmac.compare_digest(stored, _digest(presented))
