"""Signals of the procedures, for the features that build on them."""
from blinker import Namespace

signals = Namespace()

# sender: the ProcedureVersion just stored (flushed, not committed); document=its document.
# Sent inside the loading transaction, so what a receiver writes commits with the version.
procedure_loaded = signals.signal("procedure-loaded")
