// The admin's Alert deliveries screen says each job's last error and next step in words
// (pwa/js/views/alert-job-words.js), from the answer code and line the worker recorded.
import assert from "node:assert/strict";
import { test } from "node:test";

import { lastErrorInWords, lastTried, nextStep } from "../js/views/alert-job-words.js";
import { JobStatus } from "../js/names.js";

const NOW = Date.parse("2026-12-05T12:00:00Z");
const job = (fields) => ({ status: JobStatus.PENDING, attempts: 0, last_status_code: null, last_error: null,
  next_attempt_at: "2026-12-05T12:00:00Z", updated_at: "2026-12-05T11:59:00Z", lease_expires_at: null, ...fields });

test("a sent job, or one never tried, has no error", () => {
  assert.equal(lastErrorInWords(job({ status: JobStatus.SENT, last_status_code: 201 })), null);
  assert.equal(lastErrorInWords(job({})), null);
});

test("each recorded answer is said in words, with the line the worker wrote kept beside it", () => {
  const said = (code, error, fields = {}) => lastErrorInWords(job({ last_status_code: code, last_error: error, attempts: 1, ...fields }));
  assert.match(said(410, "push service answered 410: subscription expired").words, /turn alerts on again/);
  assert.match(said(404, "push service answered 404: subscription expired").words, /no longer exists/);
  assert.match(said(429, "push service answered 429").words, /slow down/);
  assert.match(said(503, "push service answered 503").words, /fault at its end/);
  assert.match(said(413, "push service answered 413").words, /too large/);
  assert.match(said(301, "push service answered 301").words, /never follows a redirect/);
  assert.match(said(400, "push service answered 400").words, /refused the message/);
  assert.match(said(null, "no answer within 10s").words, /did not answer in time/);
  assert.match(said(null, "network error: ConnectionError").words, /could not reach/);
  assert.match(said(null, "could not encrypt: ValueError").words, /could not be encrypted/);
  assert.match(said(null, "fcm.example is not a known push service.").words, /refused to send to this address/);
  assert.match(said(null, "concern acknowledged", { status: JobStatus.CANCELLED }).words, /acknowledged the concern/);
  assert.equal(said(400, "push service answered 400").detail, "push service answered 400");
});

test("a job given up on after its retries says how many tries it had", () => {
  const said = lastErrorInWords(job({ status: JobStatus.FAILED, attempts: 8, last_status_code: 503,
    last_error: "gave up: push service answered 503" }));
  assert.match(said.words, /^Gave up after 8 tries\. The push service had a fault/);
  assert.equal(said.detail, "gave up: push service answered 503");
});

test("last tried says so when the job has not been tried", () => {
  assert.equal(lastTried(job({})), "Not tried yet");
  assert.notEqual(lastTried(job({ attempts: 2 })), "Not tried yet");
});

test("a pending job long past its time, or a lapsed claim, is stuck; one due soon is not", () => {
  assert.deepEqual(nextStep(job({ next_attempt_at: "2026-12-05T11:59:30Z" }), NOW).stuck, false);
  const left = nextStep(job({ next_attempt_at: "2026-12-05T11:50:00Z" }), NOW);
  assert.equal(left.stuck, true);
  assert.match(left.text, /no alert worker has taken it/);
  assert.match(nextStep(job({ attempts: 1, next_attempt_at: "2026-12-05T12:05:00Z" }), NOW).text, /^Retry due at/);
  const lapsed = nextStep(job({ status: JobStatus.SENDING, lease_expires_at: "2026-12-05T11:58:00Z" }), NOW);
  assert.equal(lapsed.stuck, true);
  assert.match(lapsed.text, /claim lapsed/);
  const sending = nextStep(job({ status: JobStatus.SENDING, lease_expires_at: "2026-12-05T12:01:00Z" }), NOW);
  assert.equal(sending.stuck, false);
  assert.equal(nextStep(job({ status: JobStatus.DEAD }), NOW).text, "None: finished");
});
