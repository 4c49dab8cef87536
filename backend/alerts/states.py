"""Names for the states of an alert job, push or SMS (the lease queue, lease.py)."""
import enum


class JobStatus(enum.StrEnum):
    PENDING = "pending"      # waiting for its next attempt
    SENDING = "sending"      # claimed by a worker under a lease
    SENT = "sent"
    FAILED = "failed"        # refused, or gave up after its retries
    DEAD = "dead"            # push only: the subscription is gone
    CANCELLED = "cancelled"  # the concern was acknowledged before it went


# The statuses a job may still move on from (a claim, a retry, a cancellation).
WAITING = (JobStatus.PENDING, JobStatus.SENDING)
