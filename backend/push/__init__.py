"""Web Push: browsers' subscriptions, the VAPID key and sending one message (delivery.py).

Who gets an alert, and when, is backend/alerts/'s business; this package is the channel.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the subscription API."""
    import logging

    from . import views

    if app.config.get("PUSH_TEST_RECEIVER"):
        logging.getLogger(__name__).warning(
            "PUSH_TEST_RECEIVER is ON: push endpoints on http://127.0.0.1 are accepted and "
            "loopback addresses are not refused. This is for the test suite only.")
    app.register_blueprint(views.bp)
