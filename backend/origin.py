"""Refuse state-changing requests whose Origin is another site (CSRF defence in depth)."""
from urllib.parse import urlsplit

from flask import Flask, request

from .errors import ApiError

SAFE = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Flask) -> None:
    @app.before_request
    def check_origin():
        if request.method in SAFE:
            return None
        origin = request.headers.get("Origin")
        if origin is None:
            return None  # not sent by every client; the CSRF token still guards the request
        parts = urlsplit(origin)
        if origin == "null" or parts.netloc != request.host or parts.scheme != _own_scheme(app):
            raise ApiError(403, "Requests from another site are refused.", "csrf_failed")
        return None


def _own_scheme(app: Flask) -> str:
    # Secure cookies mean the site is served over https even when a TLS proxy talks plain
    # http to us: an http:// page of the same host (say, one a network attacker serves) is
    # then another origin, and must not be able to post with the user's session.
    if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
        return "https"
    return request.scheme
