"""The browser's rule evaluator (pwa/js/rules.js) against the shared vectors and against Python."""
import json
import re
import shutil
import subprocess
from pathlib import Path

from backend.procedures import rules

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "procedure_data" / "child-abuse-and-the-internet"
VECTORS = [v for name in ("v10-r2.vectors.json", "v10-r3.vectors.json")
           for v in json.loads((DATA / name).read_text())["vectors"]]
NODE = shutil.which("node") or "/usr/bin/node"


def test_node_test_runner_passes_every_shared_vector():
    run = subprocess.run([NODE, "--test", "pwa/tests/"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    passed = set(re.findall(r"^ok \d+ - vector: (.+)$", run.stdout, re.MULTILINE))
    assert passed == {v["name"] for v in VECTORS}
    assert re.search(r"^# fail 0$", run.stdout, re.MULTILINE)


def test_javascript_and_python_give_identical_results(procedure_document):
    # Titles, paragraphs and reasons too, not only the action ids the vectors pin down.
    script = (
        "import { evaluate } from './pwa/js/rules.js';"
        "import { readFileSync } from 'node:fs';"
        "const [doc, cases] = JSON.parse(readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(([audience, a]) => evaluate(doc, a, { audience }))));"
    )
    # Beyond the vectors: every single answer to every question on top of a few scenarios,
    # so needs, scope and guidance are compared across many more states than the vectors pin.
    # For both audiences: a carer's phone and the server must agree on the carer's checklist too.
    cases = [v["answers"] for v in VECTORS[-len(json.loads((DATA / "v10-r3.vectors.json").read_text())["vectors"]):]]
    questions = [q for s in procedure_document["checklist"]["sections"] for q in s["questions"]]
    for base in ({}, {"child_age": 15, "adult_concern": True, "child_sent_images": True},
                 {"adult_concern": True, "adult_indecent_images": True, "child_forwarded_images": True}):
        for question in questions:
            for value in rules.candidates(procedure_document, question):
                cases.append({**base, question["id"]: value})
    cases = [[audience, answers] for audience in rules.AUDIENCES for answers in cases]
    run = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=ROOT,
                         input=json.dumps([procedure_document, cases]), capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [rules.evaluate(procedure_document, a, audience=audience) for audience, a in cases]
