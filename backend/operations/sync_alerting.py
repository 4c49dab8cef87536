"""The `alerting` word in a sync answer: did the urgent concern just submitted reach a worker?

The sync that submits an urgent or immediate concern queues its alerts in the same transaction
(backend/push/alerts.py). If no alert worker has been seen within the stale limit those alerts
wait, and the phone that sent the concern is told so (`"delayed"`) so that its user phones the
duty desk rather than believe the manager was alerted.
"""
from flask import g, has_request_context

from ..concerns import events
from ..push import heartbeats
from ..push.heartbeats import DELAYED, OK


def _submitted(_sender, **_) -> None:
    if has_request_context():
        g.urgent_submitted = True


def _answering(_user, answer: dict, **_) -> None:
    if g.get("urgent_submitted"):
        answer["alerting"] = OK if heartbeats.alerting()["state"] == OK else DELAYED


def connect() -> None:
    # Module-level receivers held strongly; connecting again (a second app) is a no-op.
    events.urgent_concerns_submitted.connect(_submitted, weak=False)
    events.sync_answering.connect(_answering, weak=False)
