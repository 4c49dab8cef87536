"""Names for the states of an alert job (push or SMS) and of one attempt to send it."""
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


class Result(enum.StrEnum):
    """What a push service or Notify said to one send."""
    SENT = "sent"
    RETRY = "retry"      # try again later (rate limit, 5xx, network)
    FAILED = "failed"    # the same send would fail the same way
    GONE = "gone"        # push only: the subscription expired


class ChannelState(enum.StrEnum):
    """Whether a person's push subscription is known to work (push/health.py)."""
    WORKING = "working"
    FAILED = "failed"
    UNKNOWN = "unknown"
