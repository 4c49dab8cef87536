// Sends the outbox to POST /api/sync, exactly once in effect: the server stores a change_id
// once, and an item leaves the outbox only when the server's answer for it is `applied` or
// `duplicate`. So a lost answer, a restart or a double tap costs a resend, never a copy.
//
// Sending starts by itself on the `online` event, on app open and unlock, when the service
// worker's Background Sync fires (it only wakes an open page: the worker has no key to read
// the outbox with), on a retry timer with backoff, and from "Send now".
import * as alerting from "./alerting.js";
import * as api from "./api.js";
import { OutboxState } from "./names.js";
import { batches, due, failureCode, nextWake, retryDelay, sortResults } from "./outbox.js";
import * as store from "./store.js";

export const TAG = "safevisit-outbox";

// paused: "signin" after a 401 or a CSRF failure, until the user signs in again.
export const state = { sending: false, lastSync: null, lastError: null, paused: null };
const listeners = new Set();

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(state);
}

class SignInNeeded extends Error {}

const isEnded = (error) => error instanceof api.ApiError && error.status === 401 && api.ENDED.has(error.code);
const needsSignIn = (error) => error instanceof SignInNeeded ||
  (error instanceof api.ApiError && (error.status === 401 || error.code === "csrf_failed"));
const serverFault = (error) => error instanceof api.ApiError && error.status >= 500;

let running = null;
let requested = null;
let timer = null;

/**
 * Sends what is due. `ignoreBackoff` is for a fresh chance (reconnection, app open, the
 * button); the retry timer respects each item's backoff. One run at a time; a call during
 * a run makes it go round once more, so an item queued meanwhile is not left behind.
 */
export function flush({ ignoreBackoff = false } = {}) {
  requested = { ignoreBackoff: Boolean(requested?.ignoreBackoff || ignoreBackoff) };
  running ||= (async () => {
    try {
      while (requested) {
        const options = requested;
        requested = null;
        await send(options).catch((error) => {
          // A failed local write or a lock mid-send: items stay queued; say so, never throw
          // at the caller (an event handler or timer).
          if (!(error instanceof store.LockedError)) state.lastError = "device_error";
          console.warn("sending stopped", error);
          changed();
        });
      }
    } finally {
      running = null;
    }
  })();
  return running;
}

/** After signing in again: sending resumes with the same items and change ids. */
export function resume() {
  state.paused = null;
  changed();
  return flush({ ignoreBackoff: true });
}

/** Stops sending and waits for a send under way, before sign-out clears the storage. */
export async function halt() {
  state.paused = "closing";
  clearTimeout(timer);
  await running;
}

/** Forget everything in memory (after a wipe). */
export function reset() {
  clearTimeout(timer);
  Object.assign(state, { sending: false, lastSync: null, lastError: null, paused: null });
  changed();
}

async function send(options) {
  if (state.paused || !store.isUnlocked() || !navigator.onLine) return;
  const ready = due(await store.listOutbox(), Date.now(), options);
  if (!ready.length) return;
  state.sending = true;
  changed();
  const remaining = [...ready];
  state.lastError = null; // set again below by anything that fails in this round
  try {
    for (const batch of batches(ready)) {
      // A fresh CSRF token per batch, and a check that the session still stands.
      const who = await api.freshSession();
      if (!who.user) throw new SignInNeeded();
      await deliver(batch);
      remaining.splice(0, batch.length);
    }
  } catch (error) {
    if (isEnded(error)) return; // the device is being wiped (session-lock.js)
    if (needsSignIn(error)) {
      // Not the items' fault: they stay as they are, attempts untouched, until sign-in.
      state.paused = "signin";
      return;
    }
    state.lastError = failureCode(error);
    for (const item of remaining) await later(item, state.lastError);
    if (error instanceof api.NetworkError) {
      // Only a lost connection is Background Sync's business: it fires as soon as the browser
      // thinks it is online, so registering after a server error would retry in a tight loop.
      registerBackgroundSync();
    } else if (!serverFault(error)) {
      console.warn("sync failed", error);
    }
  } finally {
    state.sending = false;
    await schedule();
    changed();
  }
}

function later(item, code) {
  return store.retryLater(item, code, Date.now() + retryDelay(item.attempts + 1));
}

async function deliver(batch) {
  let results;
  let answer;
  try {
    answer = await api.sync(batch.map((item) => item.change));
    ({ results } = answer);
  } catch (error) {
    // One item may be what breaks the server: send each alone, so the others still go.
    if (batch.length > 1 && serverFault(error)) {
      for (const item of batch) await deliverAlone(item);
      return;
    }
    throw error;
  }
  await record(batch, results);
  await alerting.noteSyncAnswer(answer); // an urgent concern whose alert cannot go yet
}

async function deliverAlone(item) {
  try {
    await deliver([item]);
  } catch (error) {
    if (!serverFault(error)) throw error;
    await later(item, "server_error");
    state.lastError = "server_error";
  }
}

async function record(batch, results) {
  const { sent, problems, retry } = sortResults(batch, results);
  for (const { item, result } of sent) await store.settle(item, result);
  for (const { item, result } of problems) {
    await store.markProblem(item, result.result === "conflict"
      ? { kind: OutboxState.CONFLICT, version: result.version, server: serverCopy(result.concern) }
      : { kind: OutboxState.REJECTED, errors: result.errors || {} });
  }
  for (const item of retry) await later(item, "no_answer");
  state.lastSync = new Date().toISOString();
  await store.setMeta("lastSync", state.lastSync);
}

// Only what the conflict view shows is kept of the server's copy.
function serverCopy(concern) {
  if (!concern) return null;
  const { case_reference, answers, notes, status, version, updated_at } = concern;
  return { case_reference, answers, notes, status, version, updated_at };
}

async function schedule() {
  clearTimeout(timer);
  if (!store.isUnlocked()) return;
  const wake = nextWake(await store.listOutbox().catch(() => []));
  if (wake !== null) timer = setTimeout(() => flush(), Math.max(0, wake - Date.now()));
}

/** Asks the browser to wake us when it thinks the network is back (Chromium only). */
export async function registerBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    await registration?.sync?.register(TAG);
  } catch (error) {
    // Not offered (Safari, Firefox) or not allowed: the other triggers still send.
  }
}

export async function loadLastSync() {
  state.lastSync = (await store.getMeta("lastSync")) || null;
  return state.lastSync;
}
