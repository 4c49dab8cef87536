"""What a channel said to one send, and whether a push subscription is known to work.

Shared by the Web Push sender (delivery.py) and the SMS sender (sms/notify.py).
"""
import enum


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
