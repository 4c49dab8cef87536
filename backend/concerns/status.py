"""Names for where a concern stands and where each of its recommended actions stands.

The transitions between them are lifecycle.py's; this module only names the states, so the
models, schemas and the alerts can use them without importing the transitions.
"""
import enum


class Status(enum.StrEnum):
    DRAFT = "draft"  # on the author's device (and synced), not yet the team's
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


OPEN = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
# Still waiting for someone to pick it up: submitted and nobody has acknowledged it, so
# alerts and escalation go on (any later step acknowledges it first).
UNACKNOWLEDGED = Status.SUBMITTED
# What a device may send a concern as (the manager's steps have their own endpoints).
DEVICE_STATUSES = (Status.DRAFT, Status.SUBMITTED)


class ActionState(enum.StrEnum):
    TO_DO = "to_do"
    DONE = "done"
    NOT_NEEDED = "not_needed"
