"""The escalation chain as configured: which steps, how many minutes after submission, by SMS too.

One chain for the whole service (SAFEVISIT_ESCALATION_CHAIN), not one per team: how long a
child's urgent concern may wait unanswered is a safeguarding policy of the organisation, not
a preference of a team, and there is no admin console yet to set a per-team value in (a
setting only a developer could change would be half a feature). The default:
"secondary=10+sms,team=20+sms,admins=30" — the rota's secondary after 10 minutes (and, by SMS,
whoever the first alert went to), every manager of the team after 20, the admins after 30.
"""
import dataclasses

STEPS = ("secondary", "team", "admins")  # the order of the chain; each may be left out
DEFAULT = "secondary=10+sms,team=20+sms,admins=30"


@dataclasses.dataclass(frozen=True)
class Step:
    step: str
    minutes: float
    sms: bool


def parse(raw: str) -> tuple[Step, ...]:
    """"name=minutes[+sms],…" in chain order, minutes not decreasing; RuntimeError otherwise."""
    steps = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, _, value = item.partition("=")
        value, _, channel = value.partition("+")
        if name.strip() not in STEPS or channel.strip() not in ("", "sms"):
            raise RuntimeError(f"SAFEVISIT_ESCALATION_CHAIN: {item!r} is not step=minutes[+sms] "
                               f"with step one of {', '.join(STEPS)}.")
        try:
            minutes = float(value)
        except ValueError:
            raise RuntimeError(f"SAFEVISIT_ESCALATION_CHAIN: {item!r} needs minutes.") from None
        steps.append(Step(name.strip(), minutes, channel.strip() == "sms"))
    names = [s.step for s in steps]
    if names != sorted(set(names), key=STEPS.index):
        raise RuntimeError("SAFEVISIT_ESCALATION_CHAIN: each step at most once, in the order "
                           + ", ".join(STEPS) + ".")
    if any(s.minutes < 0 for s in steps) or any(a.minutes > b.minutes for a, b in zip(steps, steps[1:])):
        raise RuntimeError("SAFEVISIT_ESCALATION_CHAIN: minutes must be 0 or more and never go down.")
    return tuple(steps)


def of(config) -> tuple[Step, ...]:
    chain = config.get("ESCALATION_CHAIN", DEFAULT)
    return parse(chain) if isinstance(chain, str) else tuple(chain)
