"""The `alerting` word in a sync answer: did the urgent concern just submitted reach a worker?

The sync that submits an urgent or immediate concern queues its alerts in the same transaction
(backend/push/alerts.py). If no alert worker has been seen within the stale limit those alerts
wait, and the phone that sent the concern is told so (`"delayed"`) so that its user phones the
duty desk rather than believe the manager was alerted.
"""
from flask import g, has_request_context

from ..concerns import events
from . import heartbeats

from .heartbeats import DELAYED, OK


def _submitted(_sender, **_) -> None:
    if has_request_context():
        g.urgent_submitted = True


def connect() -> None:
    events.urgent_concerns_submitted.connect(_submitted, weak=False)


def word() -> str | None:
    """"ok" or "delayed" when this request submitted an urgent concern; None otherwise."""
    if not g.get("urgent_submitted"):
        return None
    return OK if heartbeats.alerting()["state"] == OK else DELAYED
