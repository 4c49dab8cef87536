"""Signals other features subscribe to, sent inside the transaction that stores the change.

A receiver that adds rows (push alert jobs) therefore commits, or rolls back, with the concern.
"""
from blinker import Namespace

signals = Namespace()

# concerns=[the Concerns of one sync batch just submitted with an urgent urgency], sent once
# per batch after its rows are written (receivers look up who is on call once, not per concern).
urgent_concerns_submitted = signals.signal("urgent-concerns-submitted")
# sender: the Concern, acknowledged by a manager.
# Also sent when a later step (assign, an action, a decision, close) comes first.
concern_acknowledged = signals.signal("concern-acknowledged")
# sender: the Concern (backend/concerns/lifecycle.py), after each later step.
concern_assigned = signals.signal("concern-assigned")
concern_action_updated = signals.signal("concern-action-updated")  # action=the ConcernAction
concern_closed = signals.signal("concern-closed")

# concern_ids=[ids]: a case's chronology is being built. Each receiver returns its own entries
# ({at, concern_id, kind, who, detail, order}) about those concerns, so the chronology shows
# what other features did (alerts sent, escalations) without concerns importing them.
chronology_wanted = signals.signal("chronology-wanted")

# sender: the signed-in User; answer={"results": [...]}, the sync's answer before it is written
# and before the commit. Receivers may add keys to it (`alerting`) and note what to count.
sync_answering = signals.signal("sync-answering")
