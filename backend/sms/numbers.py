"""A UK mobile number as people type it, checked and written the one way Notify is sent it."""
import re

from ..fields import SPACE_CHARS

# 07xxx xxxxxx, +44 7xxx xxxxxx or 0044 7xxx…: spaces, brackets and hyphens allowed.
_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7[0-9]{9}$")  # [0-9]: \d would take any script's digits
# The same rule on the number as typed, for the OpenAPI document.
_GAP = f"[{SPACE_CHARS}()-]*"
PATTERN = (f"^{_GAP}(?:\\+{_GAP}4{_GAP}4|0{_GAP}0{_GAP}4{_GAP}4|0){_GAP}7(?:{_GAP}[0-9]){{9}}{_GAP}$")


def normalise(typed: str) -> str | None:
    """"+447…" for a UK mobile number, else None."""
    compact = re.sub(_GAP, "", typed or "")
    if not _UK_MOBILE.match(compact):
        return None
    return "+447" + compact[-9:]


def masked(number: str) -> str:
    """Enough for its owner to recognise, not enough to call: "+44 7••• ••• 123"."""
    return f"+44 7••• ••• {number[-3:]}"
