// Comparing procedure versions, as a draft started under an older one shows it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { changedQuestions } from "../js/procedure.js";

const v10 = JSON.parse(readFileSync(new URL(
  "../../procedure_data/child-abuse-and-the-internet/v10.json", import.meta.url), "utf8"));

function nextVersion(edit) {
  const copy = structuredClone(v10);
  copy.version = "11";
  edit(copy);
  return copy;
}

test("the same document has no changed questions", () => {
  assert.deepEqual(changedQuestions(v10, structuredClone(v10)), []);
});

test("reworded, added and removed questions are all reported", () => {
  const v11 = nextVersion((doc) => {
    const [visit, , , , passport] = doc.checklist.sections;
    visit.questions[1].label = "Child's age in years";
    passport.questions.push({ id: "dp_reviewed", type: "boolean", label: "Reviewed?",
      paragraphs: ["online-grooming-and-digital-passport"] });
    passport.questions = passport.questions.filter((q) => q.id !== "dp_child_view");
  });
  assert.deepEqual(changedQuestions(v10, v11), [
    { id: "child_age", label: "Child's age in years", change: "changed" },
    { id: "dp_reviewed", label: "Reviewed?", change: "added" },
    { id: "dp_child_view", label: "What does the child say about who sees their passport?",
      change: "removed" },
  ]);
});

test("help text alone is not a change to the question", () => {
  const v11 = nextVersion((doc) => { doc.checklist.sections[0].questions[0].help = "New help."; });
  assert.deepEqual(changedQuestions(v10, v11), []);
});

test("a changed condition is a change", () => {
  const v11 = nextVersion((doc) => {
    doc.checklist.sections[2].questions[1].when = { q: "child_age", op: "lt", value: 18 };
  });
  assert.deepEqual(changedQuestions(v10, v11).map((c) => c.id), ["sharing_voluntary"]);
});
