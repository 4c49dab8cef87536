"""`/api/*` answers scripts, never a typed address or a followed link.

A top-level navigation (`Sec-Fetch-Mode: navigate`) to an API URL gets a JSON error and no
data, so the address bar of a phone is no way round the app's lock; the app's own pages live
outside /api and the service worker never navigates there.
"""
from flask import Flask, request

from .errors import ApiError


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_api_navigation():
        if request.path.startswith("/api/") and request.headers.get("Sec-Fetch-Mode") == "navigate":
            raise ApiError(403, "The API is not a page: open SafeVisit instead.", "navigation_refused")
        return None
