// The outbox's rules (pwa/js/outbox.js): which answers let an item go, and the backoff.
import assert from "node:assert/strict";
import { test } from "node:test";

import { batches, due, failureCode, nextWake, retryDelay, sortResults } from "../js/outbox.js";

const item = (n, extra = {}) => ({ id: `c${n}`, change_id: `x${n}`, state: "waiting", ...extra });

test("only applied and duplicate answers let an item leave the outbox", () => {
  const items = [item(1), item(2), item(3), item(4), item(5)];
  const { sent, problems, retry } = sortResults(items, [
    { id: "c1", change_id: "x1", result: "applied", version: 1 },
    { id: "c2", change_id: "x2", result: "duplicate", version: 1 },
    { id: "c3", change_id: "x3", result: "conflict", version: 4, concern: {} },
    { id: "c4", change_id: "x4", result: "rejected", errors: { "answers.child_age": ["Too big."] } },
  ]);
  assert.deepEqual(sent.map((s) => s.item.change_id), ["x1", "x2"]);
  assert.deepEqual(problems.map((p) => p.result.result), ["conflict", "rejected"]);
  assert.deepEqual(retry.map((i) => i.change_id), ["x5"]); // no answer: tried again
});

test("an answer that is missing, malformed or for another change keeps the item", () => {
  const items = [item(1), item(2), item(3)];
  const { sent, retry } = sortResults(items, [
    null, { result: "applied" }, { id: "c9", change_id: "x9", result: "applied" },
    { id: "c-other", change_id: "x2", result: "applied" }, // same change_id, wrong concern
    { id: "c3", change_id: "x3", result: "error" },
  ]);
  assert.deepEqual(sent, []);
  assert.deepEqual(retry.map((i) => i.change_id), ["x1", "x2", "x3"]);
  assert.deepEqual(sortResults(items, undefined).retry.length, 3);
});

test("backoff doubles from two seconds, is capped at five minutes, and is jittered", () => {
  assert.equal(retryDelay(1, () => 1), 2000);
  assert.equal(retryDelay(2, () => 1), 4000);
  assert.equal(retryDelay(3, () => 1), 8000);
  assert.equal(retryDelay(1, () => 0), 1000);
  assert.equal(retryDelay(30, () => 1), 300_000);
  assert.equal(retryDelay(1000, () => 0.5), 225_000);
});

test("items wait out their backoff unless the user or a reconnection asks", () => {
  const items = [item(1, { next_at: 5000 }), item(2, { next_at: 0 }),
    item(3, { state: "conflict" }), item(4)];
  assert.deepEqual(due(items, 1000).map((i) => i.id), ["c2", "c4"]);
  assert.deepEqual(due(items, 6000).map((i) => i.id), ["c1", "c2", "c4"]);
  assert.deepEqual(due(items, 1000, { ignoreBackoff: true }).map((i) => i.id), ["c1", "c2", "c4"]);
  assert.equal(nextWake(items), 5000);
  assert.equal(nextWake([item(1, { state: "rejected", next_at: 10 })]), null);
});

test("changes go in batches of at most fifty", () => {
  const many = Array.from({ length: 120 }, (_, n) => item(n));
  assert.deepEqual(batches(many).map((b) => b.length), [50, 50, 20]);
  assert.deepEqual(batches([]), []);
});

test("whole-request failures are stored as codes", () => {
  assert.equal(failureCode({ name: "NetworkError" }), "offline");
  assert.equal(failureCode({ status: 503 }), "server_error");
  assert.equal(failureCode({ status: 429 }), "busy");
  assert.equal(failureCode({ status: 413 }), "refused");
});
