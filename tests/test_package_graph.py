"""The packages of backend/ depend on each other one way only, downward through these layers.

Read from the source with ast (every import, a deferred one inside a function included), so a
new import that reaches up a layer, or makes two packages depend on each other, fails here
rather than in review. A new package or module fails too until it is given its layer.
"""
import ast
from collections import defaultdict
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"

# Lower numbers are lower layers; a unit may import only units of a lower layer. The core
# modules (one file each) are layer 0 and import each other, acyclically, and nothing else.
LAYERS = {
    # core: the clock, the state names, the database handle, errors, requests and declarations
    "clock": 0, "urgency": 0, "extensions": 0, "errors": 0, "fields": 0, "requests": 0, "api": 0,
    "database": 0, "config": 0, "headers": 0, "navigation": 0, "origin": 0, "health": 0,
    "openapi": 0,
    "audit": 1,                       # the trail and writing to it
    "accounts": 2,                    # people, teams, sessions, capabilities, named queries
    "procedures": 3,                  # the chapter as data and its rules
    "rota": 3,                        # who is on call when (a leaf the alerts read)
    "push": 3,                        # browsers' subscriptions and sending one message
    "sso": 3, "pwa": 3,
    "sms": 4,                         # numbers and the Notify client (reuses push's outcome names)
    "concerns": 4,                    # concerns, their lifecycle and sync (read procedures)
    "admin": 4,                       # the console
    "alerts": 5,                      # who is alerted and how: reads concerns, rota, push, sms
    "records": 6,                     # retention, legal holds, subject access: reads everything
    "operations": 6,                  # readiness, metrics, logs, backups: reads alerts and concerns
}
ROOT = "__init__"  # the application factory wires every package together


def unit_of(path: Path) -> str:
    parts = path.relative_to(BACKEND).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def imported_units(path: Path) -> set[str]:
    package = list(path.relative_to(BACKEND).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[:len(package) - (node.level - 1)]
            names = node.module.split(".") if node.module else []
            targets = [base + names] if names else [base + [alias.name] for alias in node.names]
        elif node.module and node.module.split(".")[0] == "backend":
            targets = [node.module.split(".")[1:]]
        else:
            continue
        found |= {target[0] for target in targets if target}
    return found


def graph() -> dict[str, set[str]]:
    edges = defaultdict(set)
    for path in BACKEND.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        unit = unit_of(path)
        edges[unit] |= {target for target in imported_units(path)
                        if target != unit and ((BACKEND / target).is_dir() or (BACKEND / f"{target}.py").exists())}
        edges.setdefault(unit, set())
    return edges


def test_every_package_and_core_module_has_a_layer():
    assert set(graph()) - {ROOT} == set(LAYERS)


def test_no_two_packages_depend_on_each_other_and_there_is_no_circle():
    edges = graph()
    assert [(a, b) for a in edges for b in edges[a] if a < b and a in edges[b]] == []
    state: dict[str, str] = {}

    def visit(unit, trail):
        state[unit] = "open"
        for target in sorted(edges[unit]):
            assert state.get(target) != "open", " → ".join(trail + [unit, target])
            if target not in state:
                visit(target, trail + [unit])
        state[unit] = "done"

    for unit in sorted(edges):
        if unit not in state:
            visit(unit, [])


def test_no_import_reaches_up_a_layer():
    upward = [f"{unit} → {target}" for unit, targets in graph().items() if unit != ROOT
              for target in targets
              if LAYERS[target] > LAYERS[unit] or (LAYERS[target] == LAYERS[unit] and LAYERS[unit] > 0)]
    assert upward == []


def test_configuration_imports_no_feature():
    assert {target for target in graph()["config"] if LAYERS[target] > 0} == set()
