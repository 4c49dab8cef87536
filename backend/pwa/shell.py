"""The app shell as data: every file of pwa/ read once, hashed, and gzipped ahead of time.

The service worker's cache version is the hash of these files, so it changes exactly when
a shipped byte changes and is never bumped by hand.
"""
import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path

SHIPPED = {".html", ".js", ".css", ".webmanifest", ".png", ".svg", ".json"}
COMPRESSIBLE = {".html", ".js", ".css", ".webmanifest", ".svg", ".json"}
TYPES = {".js": "text/javascript", ".webmanifest": "application/manifest+json",
         ".svg": "image/svg+xml", ".css": "text/css", ".html": "text/html",
         ".json": "application/json"}
SERVICE_WORKER = "sw.js"
NOT_SHIPPED_DIRS = {"tests"}  # node tests live beside the code but never reach a phone


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    mimetype: str
    etag: str


@dataclass(frozen=True)
class Shell:
    version: str
    assets: dict[str, Asset]  # URL path ("/js/app.js") to file

    def precache(self) -> list[str]:
        """URLs the service worker stores on install (all but itself)."""
        return sorted(url for url in self.assets if url != "/" + SERVICE_WORKER)


def _asset(body: bytes, suffix: str) -> Asset:
    mimetype = TYPES.get(suffix) or mimetypes.guess_type("x" + suffix)[0] or "application/octet-stream"
    if mimetype.startswith("text/") or mimetype.endswith(("json", "javascript")):
        mimetype += "; charset=utf-8"
    packed = gzip.compress(body, compresslevel=9, mtime=0) if suffix in COMPRESSIBLE else None
    return Asset(body, packed, mimetype, hashlib.sha256(body).hexdigest())


def _shipped_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix in SHIPPED
        and not NOT_SHIPPED_DIRS.intersection(p.relative_to(root).parts[:-1])
    )


def build(root: Path) -> Shell:
    files = {"/" + p.relative_to(root).as_posix(): p.read_bytes() for p in _shipped_files(root)}
    digest = hashlib.sha256()
    for url, body in sorted(files.items()):
        digest.update(url.encode() + b"\0" + hashlib.sha256(body).digest())
    version = digest.hexdigest()[:16]
    assets = {url: _asset(body, Path(url).suffix) for url, body in files.items()
              if url != "/" + SERVICE_WORKER}
    # The worker learns its version and file list from a preamble, so its own bytes change
    # with any shell file and browsers see an update.
    sw_source = files.get("/" + SERVICE_WORKER, b"")
    shell = Shell(version, assets)
    preamble = (f"const SHELL_VERSION = {json.dumps(version)};\n"
                f"const SHELL_ASSETS = {json.dumps(shell.precache())};\n").encode()
    assets["/" + SERVICE_WORKER] = _asset(preamble + sw_source, ".js")
    return shell
