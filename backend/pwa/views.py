"""Serves the app shell at the site root; app pages all get index.html (the client routes)."""
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, request

from ..config import REPO_ROOT
from ..errors import ApiError
from . import shell as shell_module

bp = Blueprint("pwa", __name__)

_lock = threading.Lock()


def current_shell() -> shell_module.Shell:
    """Built once per app on first use; a restart (or new deploy) picks up changed files."""
    shell = current_app.extensions.get("safevisit_pwa")
    if shell is None:
        with _lock:
            shell = current_app.extensions.get("safevisit_pwa")
            if shell is None:
                root = Path(current_app.config.get("SAFEVISIT_PWA_DIR") or REPO_ROOT / "pwa")
                shell = current_app.extensions["safevisit_pwa"] = shell_module.build(root)
    return shell


def _send(asset: shell_module.Asset) -> Response:
    wants_gzip = asset.gzipped is not None and "gzip" in request.accept_encodings
    etag = asset.etag + ("-gzip" if wants_gzip else "")
    if request.if_none_match.contains(asset.etag) or request.if_none_match.contains(asset.etag + "-gzip"):
        response = Response(status=304)
    elif wants_gzip:
        # content_type, not mimetype: the asset's type already names its charset, and
        # werkzeug would append "; charset=utf-8" to a text/* mimetype a second time.
        response = Response(asset.gzipped, content_type=asset.mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(asset.body, content_type=asset.mimetype)
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    # The service worker keeps its own versioned copy; the HTTP cache only revalidates.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
def index():
    return _send(current_shell().assets["/index.html"])


@bp.get("/sw.js")
def service_worker():
    response = _send(current_shell().assets["/sw.js"])
    response.headers["Service-Worker-Allowed"] = "/"
    return response


# Explicit prefixes rather than a catch-all, so unknown /api/ paths keep their own 404/405.
@bp.get("/<any(css, js, vendor, icons):folder>/<path:rest>")
@bp.get("/<any('manifest.webmanifest', 'index.html'):rest>")
def shell_file(rest: str, folder: str = ""):
    asset = current_shell().assets.get("/" + "/".join(filter(None, [folder, rest])))
    if asset is None:
        raise ApiError(404, "Not found.")
    return _send(asset)


# The first path segment of every page the app routes (pwa/js/routes.js): a reload or a
# typed address on any of them gets the shell (tests/test_pwa_shell.py checks the two lists agree).
PAGES = ("admin", "cases", "checklist", "concerns", "login", "my-concerns", "on-call", "procedure", "queue",
         "rechecks", "setup-code", "team", "two-step")
_ANY = ", ".join(f"'{page}'" for page in PAGES)


@bp.get(f"/<any({_ANY}):page>")
@bp.get(f"/<any({_ANY}):page>/<path:rest>")
def app_page(page: str, rest: str = ""):
    return _send(current_shell().assets["/index.html"])
