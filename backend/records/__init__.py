"""Records management: the retention schedule, the purge, tombstones and legal holds."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Check the retention schedule (a bad one stops the start), register the API and the CLI."""
    from . import cli, export_views, retention, views

    retention.schedule(app.config.get("RETENTION"))
    app.register_blueprint(views.bp)
    app.register_blueprint(cli.bp)
    app.register_blueprint(export_views.bp)
