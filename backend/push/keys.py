"""The VAPID key pair: created once by `flask push init`, kept outside the repository."""
import base64
import os
import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

_cache: dict[tuple[str, float], Vapid] = {}
_lock = threading.Lock()


class KeyMissing(RuntimeError):
    pass


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def create(path: str) -> bool:
    """Write a new P-256 private key to `path` (mode 0600) unless one is there; True if created."""
    if os.path.exists(path):
        return False
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # O_EXCL: never overwrite a key another process wrote a moment ago; the mode is set
    # at creation so the key is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return True


def load(path: str) -> Vapid:
    """The signing key, cached per file version (a replaced key is picked up)."""
    try:
        stamp = os.stat(path).st_mtime
    except FileNotFoundError:
        raise KeyMissing(f"No VAPID key at {path}: run `flask push init`.") from None
    with _lock:
        vapid = _cache.get((path, stamp))
        if vapid is None:
            with open(path, "rb") as handle:
                key = serialization.load_pem_private_key(handle.read(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
                raise KeyMissing(f"{path} is not a P-256 private key.")
            vapid = Vapid(key)
            _cache.clear()
            _cache[(path, stamp)] = vapid
        return vapid


def public_key(path: str) -> str:
    """The applicationServerKey for PushManager.subscribe(): the uncompressed point, base64url."""
    point = load(path).public_key.public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    return b64url(point)
