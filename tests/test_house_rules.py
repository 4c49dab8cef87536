"""Two rules of the house that a review would otherwise have to re-measure by hand.

No module of the product (backend/, pwa/js/) is over 300 lines: past that a file is doing
more than one job and its next change costs a read of all of it. And nothing the team reads
cites a ticket number (the word "issue" and its number): a comment or a doc says why, which stays true after the
tracker is gone; a ticket number says where to look, and that place is not in the repository.
"""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 300
# Migrations are history (generated, never edited); vendored code is someone else's.
NOT_OURS = ("backend/migrations/", "pwa/vendor/")
TICKET = re.compile(r"\bissues?\s*#?\d+", re.IGNORECASE)


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return [ROOT / name for name in out.splitlines() if not name.startswith(NOT_OURS)]


def test_no_product_module_is_over_300_lines():
    modules = tracked("backend/*.py", "pwa/js/*.js", "pwa/*.js")
    assert len(modules) > 50  # the listing found the code, not an empty tree
    too_long = {m.relative_to(ROOT).as_posix(): n for m in modules
                if (n := len(m.read_text().splitlines())) > MAX_LINES}
    assert too_long == {}


def test_nothing_cites_a_ticket_number():
    files = tracked("*.py", "*.js", "*.mjs", "*.md", "*.html", "*.css", "Makefile", ".ci/run")
    assert len(files) > 100
    cited = [f"{f.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
             for f in files for number, line in enumerate(f.read_text().splitlines(), start=1)
             if TICKET.search(line)]
    assert cited == []


def test_the_ticket_pattern_finds_what_it_is_for():
    # Spelled in pieces, so that this file does not cite one itself.
    assert TICKET.search("# Issue " + "14: office hours") and TICKET.search("(issue " + "#23)")
    assert not TICKET.search("issued 14 codes") and not TICKET.search("the issuer 2")
