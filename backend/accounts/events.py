"""What accounts announce, for packages built on them to act on without accounts importing them."""
from blinker import Namespace

signals = Namespace()

# sender: the User signing out, before their sessions end. A receiver may return where the
# browser should go next to sign out elsewhere too (single sign-on's provider); None if nowhere.
signing_out = signals.signal("signing-out")
