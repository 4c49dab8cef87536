"""Running SafeVisit: worker heartbeats, readiness, metrics, JSON logs, backup and restore."""
from flask import Flask


def init_app(app: Flask) -> None:
    # backup adds its commands to `flask db`; schemas feed the API document.
    from . import backup, logs, metrics, schemas, sync_alerting, views  # noqa: F401

    logs.init_app(app)
    sync_alerting.connect()
    metrics.init_app(app)
    app.register_blueprint(views.bp)
