"""Signals the delivery worker sends, for features above it (metrics) to subscribe to."""
from blinker import Namespace

signals = Namespace()

# sender: the Flask app; job_ids=[the alert jobs a push service just accepted], after the commit
# that recorded them as sent.
alerts_accepted = signals.signal("alerts-accepted")
