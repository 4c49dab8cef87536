// Encryption at rest (pwa/js/crypto.js) with Node's WebCrypto, the same API the browser has.
// A low iteration count keeps these fast; the shipped count is checked on its own.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ITERATIONS, WrongPasscode, createVault, isSealed, open, openVault, seal } from "../js/crypto.js";

const FAST = { iterations: 1000 };

test("the shipped PBKDF2 iteration count is OWASP's 600,000 or more", () => {
  assert.ok(ITERATIONS >= 600_000);
});

test("a vault opens with its passcode and the data key decrypts what it sealed", async () => {
  const { record, key } = await createVault("correct horse 42", FAST);
  const sealed = await seal(key, "drafts:a", { case_reference: "CR-1", answers: { age: 13 } });
  const reopened = await openVault(record, "correct horse 42");
  assert.deepEqual(await open(reopened, "drafts:a", sealed), { case_reference: "CR-1", answers: { age: 13 } });
});

test("a wrong passcode opens nothing", async () => {
  const { record } = await createVault("right-passcode", FAST);
  await assert.rejects(openVault(record, "wrong-passcode"), WrongPasscode);
});

test("the stored record holds no key material in clear and the data key cannot be exported", async () => {
  const { record, key } = await createVault("passcode-1", FAST);
  assert.equal(key.extractable, false);
  assert.deepEqual(key.usages.sort(), ["decrypt", "encrypt"]);
  assert.equal(record.kdf, "PBKDF2-SHA-256");
  assert.equal(record.salt.length, 16);
  assert.equal(record.wrapped.length, 40); // 32-byte key + AES-KW's 8-byte integrity block
  await assert.rejects(crypto.subtle.exportKey("raw", key));
});

test("each device gets its own salt, so one passcode gives different wrapping keys", async () => {
  const a = await createVault("same-passcode", FAST);
  const b = await createVault("same-passcode", FAST);
  assert.notDeepEqual(a.record.salt, b.record.salt);
  assert.notDeepEqual(a.record.wrapped, b.record.wrapped);
});

test("every write has a fresh IV and no plaintext in the ciphertext", async () => {
  const { key } = await createVault("passcode-2", FAST);
  const one = await seal(key, "drafts:a", { note: "UNIQUE-NOTE" });
  const two = await seal(key, "drafts:a", { note: "UNIQUE-NOTE" });
  assert.equal(one.iv.length, 12);
  assert.notDeepEqual(one.iv, two.iv);
  assert.notDeepEqual(one.ct, two.ct);
  assert.ok(!Buffer.from(one.ct).toString("latin1").includes("UNIQUE-NOTE"));
  assert.ok(isSealed(one));
  assert.ok(!isSealed({ note: "UNIQUE-NOTE" }));
});

test("a record moved to another id does not decrypt", async () => {
  const { key } = await createVault("passcode-3", FAST);
  const sealed = await seal(key, "drafts:a", { case_reference: "CR-A" });
  await assert.rejects(open(key, "drafts:b", sealed));
  await assert.rejects(open(key, "outbox:a", sealed));
});

test("a tampered ciphertext does not decrypt", async () => {
  const { key } = await createVault("passcode-4", FAST);
  const sealed = await seal(key, "drafts:a", { case_reference: "CR-A" });
  sealed.ct[0] ^= 1;
  await assert.rejects(open(key, "drafts:a", sealed));
});
