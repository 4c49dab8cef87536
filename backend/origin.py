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
        if origin == "null" or urlsplit(origin).netloc != request.host:
            raise ApiError(403, "Requests from another site are refused.", "csrf_failed")
        return None
