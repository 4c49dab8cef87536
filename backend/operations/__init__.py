"""Running SafeVisit: worker heartbeats, readiness, metrics, JSON logs, backup and restore."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import heartbeats, schemas, sync_alerting, views  # noqa: F401 (model, API document)

    sync_alerting.connect()
    app.register_blueprint(views.bp)
