"""Web Push alerts to duty managers: subscriptions, a delivery queue, a worker, escalation."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API and CLI, and subscribe to the concern signals."""
    import logging

    from . import alerts, cli, views

    if app.config.get("PUSH_TEST_RECEIVER"):
        logging.getLogger(__name__).warning(
            "PUSH_TEST_RECEIVER is ON: push endpoints on http://127.0.0.1 are accepted and "
            "loopback addresses are not refused. This is for the test suite only.")
    alerts.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(cli.bp)
