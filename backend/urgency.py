"""How urgent a recommended action (and so a concern) is: the procedure's four levels.

Shared vocabulary of the rules, concerns, alerts and configuration; pwa/js has its twin.
"""
import enum


class Urgency(enum.StrEnum):
    IMMEDIATE = "immediate"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"


# Most urgent first: the order lists, filters and the rule set's explanation use.
ORDER = (Urgency.IMMEDIATE, Urgency.URGENT, Urgency.SOON, Urgency.ROUTINE)
RANK = {Urgency.ROUTINE: 0, Urgency.SOON: 1, Urgency.URGENT: 2, Urgency.IMMEDIATE: 3}
# A concern at one of these wakes a duty manager (push, SMS, escalation).
ALERTING = (Urgency.IMMEDIATE, Urgency.URGENT)
