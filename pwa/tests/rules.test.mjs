// The shared rule vectors, run against the JavaScript evaluator (tests/test_rule_vectors.py
// runs the same file against Python).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { candidates, evaluate, holds, visibleQuestions } from "../js/rules.js";

const DATA = new URL("../../procedure_data/child-abuse-and-the-internet/", import.meta.url);
// Revision 2 stays pinned (drafts started under it keep it); revision 3 is current.
const document = JSON.parse(readFileSync(new URL("v10-r2.json", DATA), "utf8"));
const { vectors } = JSON.parse(readFileSync(new URL("v10-r2.vectors.json", DATA), "utf8"));
const current = JSON.parse(readFileSync(new URL("v10-r3.json", DATA), "utf8"));
const currentVectors = JSON.parse(readFileSync(new URL("v10-r3.vectors.json", DATA), "utf8")).vectors;

function checkVector(doc, vector) {
  const result = evaluate(doc, vector.answers, { audience: vector.audience ?? "professional" });
  const { expect } = vector;
  assert.equal(result.urgency, expect.urgency);
  assert.deepEqual(result.actions.map((a) => [a.action, a.urgency]), expect.actions);
  assert.deepEqual(result.needs.map((n) => n.question), expect.needs);
  assert.equal(result.scope && result.scope.id, expect.scope);
  assert.deepEqual(result.guidance.map((g) => g.id), expect.guidance);
  if (expect.conditional) {
    assert.deepEqual(result.actions.filter((a) => a.condition).map((a) => a.action), expect.conditional);
  }
  for (const action of result.actions) {
    assert.ok(action.title && action.paragraphs.length && action.reasons.length);
    assert.ok(["chapter", "practice"].includes(action.source));
  }
}

for (const vector of vectors) {
  test(`vector: ${vector.name}`, () => checkVector(document, vector));
}
for (const vector of currentVectors) {
  test(`vector: ${vector.name}`, () => checkVector(current, vector));
}

test("the revision 3 vectors fire every rule", () => {
  const fired = new Set();
  for (const vector of currentVectors) {
    for (const action of evaluate(current, vector.answers, { audience: vector.audience ?? "professional" }).actions) {
      for (const reason of action.reasons) fired.add(reason.rule);
    }
  }
  assert.deepEqual([...fired].sort(), current.rules.map((r) => r.id).sort());
});

test("the vectors fire every rule", () => {
  const fired = new Set();
  for (const vector of vectors) {
    for (const action of evaluate(document, vector.answers, { audience: vector.audience ?? "professional" }).actions) {
      for (const reason of action.reasons) fired.add(reason.rule);
    }
  }
  assert.deepEqual([...fired].sort(), document.rules.map((r) => r.id).sort());
});

test("eq compares type as well as value", () => {
  assert.equal(holds({ q: "a", op: "eq", value: true }, { a: 1 }), false);
  assert.equal(holds({ q: "a", op: "eq", value: 1 }, { a: "1" }), false);
  assert.equal(holds({ q: "a", op: "in", value: [1, 2] }, { a: true }), false);
  assert.equal(holds({ q: "a", op: "eq", value: false }, { a: false }), true);
});

test("order comparisons need numbers on both sides", () => {
  assert.equal(holds({ q: "age", op: "lt", value: 16 }, { age: "12" }), false);
  assert.equal(holds({ q: "age", op: "lt", value: 16 }, { age: 12 }), true);
  assert.equal(holds({ q: "age", op: "lt", value: 16 }, {}), false);
  assert.throws(() => holds({ q: "age", op: "near", value: 16 }, { age: 1 }), /unknown operator/);
});

test("answered and empty treat blank text and empty lists as unanswered", () => {
  for (const blank of [null, "", []]) {
    assert.equal(holds({ q: "x", op: "answered" }, { x: blank }), false);
    assert.equal(holds({ q: "x", op: "empty" }, { x: blank }), true);
  }
  assert.equal(holds({ q: "x", op: "answered" }, { x: 0 }), true);
  assert.equal(holds({ q: "x", op: "answered" }, { x: false }), true);
});

test("a looked-after child opens the Digital Passport and online-access sections", () => {
  const ids = (answers) => visibleQuestions(document, answers).map((q) => q.id);
  assert.ok(!ids({}).includes("dp_exists"));
  assert.ok(ids({ looked_after: true }).includes("dp_exists"));
  assert.ok(ids({ vulnerable: true }).includes("access_restricted"));
  assert.ok(!ids({ vulnerable: true }).includes("restriction_reason"));
  assert.ok(ids({ vulnerable: true, access_restricted: true }).includes("restriction_reason"));
});

test("answers to hidden questions are ignored", () => {
  // The adult questions are hidden until an adult concern is raised.
  const hidden = evaluate(document, { looked_after: false, adult_indecent_images: true,
    adult_relationship: ["household"] });
  assert.deepEqual(hidden.actions, []);
  const shown = evaluate(document, { adult_concern: true, adult_indecent_images: true,
    adult_relationship: ["household"] });
  assert.ok(shown.actions.some((a) => a.action === "immediate-strategy-meeting"));
});

test("the age is tried each side of every threshold", () => {
  const age = document.checklist.sections.flatMap((s) => s.questions).find((q) => q.id === "child_age");
  assert.deepEqual(candidates(document, age), [0, 15, 16, 17, 18, 19, 25]);
});

test("an unknown age is asked for, never read as in or out of scope", () => {
  const result = evaluate(document, { adult_sexual_communication: true });
  assert.deepEqual(result.actions, []);
  assert.deepEqual(result.needs.map((n) => n.question), ["child_age"]);
  assert.match(result.needs[0].because, /tell the police: possible offence of sexual communication/);
});
