"""The one place that checks the device key, on the requests whose endpoint declares it.

An endpoint says it needs the key in its declaration (backend/api.py, `device_key=True`):
concerns and answers, the audit trail, re-checks (concern ids and case references), the admin
console and a manager's team (people and credentials), phone numbers, the rota, the single
sign-on mapping. tests/test_device_lock.py lists every /api route and fails on one that nobody
has classified, and on a route of the concerns, audit, re-check, admin or team blueprints that
does not need the key, so a new route cannot slip through unnoticed. SECURITY.md lists both sides.

The same hook keeps the idle lifetime honest: the session cookie is re-issued (its signed
timestamp renewed) only on a request that carries the right key — that is, from an unlocked
app — so a locked or abandoned phone's session runs out SESSION_IDLE_MINUTES after its last
unlocked use, whatever it fetches meanwhile.
"""
from flask import Flask, current_app, request, session

from ..errors import ApiError
from . import device_keys
from .sessions import current_user_and_key


def needs_key() -> bool:
    if request.url_rule is None:  # 404 and 405 stay what they are
        return False
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "needs_device_key", False)


def init_app(app: Flask) -> None:
    @app.before_request
    def check_device_key():
        if not request.path.startswith("/api/"):
            return None
        presented = request.headers.get(device_keys.HEADER)
        if needs_key():
            # A revoked session says so (session_ended) before anything else.
            user, stored = current_user_and_key()
            if user is None:
                return None  # the view answers "sign in first"
            if not device_keys.matches(user.id, presented, stored):
                raise ApiError(401, "SafeVisit is locked on this device, or this device was signed "
                               "out. Unlock it, or sign in again.", "device_locked")
            session.modified = True  # unlocked use: the idle lifetime starts again
        elif presented and device_keys.matches(session.get("uid"), presented):
            # Revocation deletes the keys, so a revoked session never gets here; the view
            # still checks the session itself (and reports why it ended).
            session.modified = True
        return None
