// The passcode rule (pwa/js/vault.js): a passcode set today must come from a
// space of at least 10^13, which at 20,000 guesses a second on one GPU (600,000 PBKDF2-SHA-256
// iterations) takes about 16 years to search, and must not be mostly runs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ITERATIONS } from "../js/crypto.js";
import { MIN_DIGITS, MIN_GUESSES_LOG10, passcodeProblem, searchSpaceLog10 } from "../js/vault.js";

const ASSUMED_GUESSES_PER_SECOND = 20_000; // SECURITY.md: hashcat's PBKDF2-HMAC-SHA256 on an RTX 4090, scaled
const YEAR = 365.25 * 24 * 3600;

test("the minimum takes years to search offline at the shipped iteration count", () => {
  assert.equal(ITERATIONS, 600_000);
  const years = 10 ** MIN_GUESSES_LOG10 / ASSUMED_GUESSES_PER_SECOND / YEAR;
  assert.ok(years > 15, `${years} years`);
});

test("short PINs and short words are refused, with the rule in the message", () => {
  for (const weak of ["123456", "482915", "48291573625", "483920175628", "passcode", "fostercar", "abc123de",
    "Ab3$xyz"]) {
    const problem = passcodeProblem(weak);
    assert.ok(problem, `${weak} should be refused`);
    assert.match(problem, /at least 13 digits/);
  }
});

test("long PINs, mixed passcodes and passphrases are accepted", () => {
  for (const strong of ["4829157362510", "k7r2m9q4x", "tulipgrass", "k7$m9q4x", "e2e-passcode-2468",
    "correct horse battery"]) {
    assert.equal(passcodeProblem(strong, strong), null, strong);
  }
  assert.equal(MIN_DIGITS, 13);
});

test("runs and repeats do not count as strength", () => {
  for (const run of ["1234567890123", "1111111111111", "aaaaaaaaaaaa", "abcdefghijk", "9876543210987"]) {
    assert.ok(passcodeProblem(run), run);
  }
});

test("the search space counts characters, not bytes, and each alphabet once", () => {
  assert.equal(searchSpaceLog10("0123"), 4);
  assert.ok(Math.abs(searchSpaceLog10("ab12") - 4 * Math.log10(36)) < 1e-9);
  assert.ok(Math.abs(searchSpaceLog10("éé") - 2 * Math.log10(33)) < 1e-9);
});

test("the two copies must match", () => {
  assert.equal(passcodeProblem("4829157362510", "4829157362519"), "The two passcodes are not the same.");
});
