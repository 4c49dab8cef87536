"""Concern statuses, urgencies and alert-job statuses are named, never spelled out.

A status written as a string in a query or a comparison is a typo waiting to happen and a
rename nobody can find; the enums are the one spelling. This reads every module of backend/
(migrations aside: they are history and must not change) and fails on a string literal that
is one of those values anywhere but the module that defines its enum.
"""
import ast
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"

CONCERN_STATUSES = {"draft", "submitted", "acknowledged", "in_progress", "closed"}
URGENCIES = {"immediate", "urgent", "soon", "routine"}
JOB_STATUSES = {"pending", "sending", "sent", "failed", "dead", "cancelled"}

# Where each enum lives (push/states.py: what a send got back, which shares words with the
# job statuses); its values are spelled there and nowhere else.
ENUM_MODULES = {"concerns/status.py", "urgency.py", "alerts/states.py", "push/states.py"}
# The same word meaning something else, each with the reason it is not one of those states.
OTHER_MEANINGS = {
    # The session key of a sign-in that waits for its second factor, not a job.
    ("accounts/second_factor.py", "pending"),
}


def literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_state_is_spelled_as_a_string_outside_its_enum():
    words = CONCERN_STATUSES | URGENCIES | JOB_STATUSES
    found = []
    modules = 0
    for path in sorted(BACKEND.rglob("*.py")):
        name = path.relative_to(BACKEND).as_posix()
        if name.startswith("migrations/") or name in ENUM_MODULES:
            continue
        modules += 1
        found += [f"{name}:{line}: {value!r}" for line, value in literals(path)
                  if value in words and (name, value) not in OTHER_MEANINGS]
    assert modules > 50  # the walk really read the package
    assert found == []


def test_the_enums_name_exactly_those_states():
    from backend.alerts.states import JobStatus
    from backend.concerns.status import Status
    from backend.urgency import Urgency

    assert {s.value for s in Status} == CONCERN_STATUSES
    assert {u.value for u in Urgency} == URGENCIES
    assert {j.value for j in JobStatus} == JOB_STATUSES
