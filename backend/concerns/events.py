"""Signals other features subscribe to, sent inside the transaction that stores the change.

A receiver that adds rows (push alert jobs) therefore commits, or rolls back, with the concern.
"""
from blinker import Namespace

signals = Namespace()

# sender: the Concern, just submitted (or re-submitted) with an urgent urgency.
urgent_concern_submitted = signals.signal("urgent-concern-submitted")
# sender: the Concern, acknowledged by a manager.
concern_acknowledged = signals.signal("concern-acknowledged")

URGENT = ("immediate", "urgent")
