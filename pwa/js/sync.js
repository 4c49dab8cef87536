// Sends the outbox to POST /api/sync when there is a connection. The server deduplicates by
// change_id, so sending a change twice (a retry after a dropped answer) stores it once.
// Issue 5 hardens this (encryption, backoff, background sync); the contract stays the same.
import * as api from "./api.js";
import * as store from "./store.js";

const FIELDS = ["id", "change_id", "base_version", "case_reference", "procedure",
  "procedure_version", "answers", "notes", "status"];

export const state = { sending: false, lastSync: null, lastError: null };
const listeners = new Set();

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(state);
}

let running = null;

/** One send at a time: a second call while sending waits for the first. */
export function flush() {
  running ||= send().finally(() => { running = null; });
  return running;
}

async function send() {
  const changes = await store.listOutbox();
  if (!changes.length || !navigator.onLine) return;
  state.sending = true;
  changed();
  try {
    await api.ensureCsrf();
    const payload = changes.map((c) => Object.fromEntries(FIELDS.map((f) => [f, c[f]])));
    const { results } = await api.sync(payload);
    const byChange = new Map(changes.map((c) => [c.change_id, c]));
    for (const result of results) {
      const change = byChange.get(result.change_id);
      if (!change) continue;
      if (result.result === "applied" || result.result === "duplicate") {
        await store.settle(change);
      } else {
        await store.markAttempt(change, result.result);
      }
    }
    state.lastSync = new Date().toISOString();
    state.lastError = null;
    await store.setMeta("lastSync", state.lastSync);
  } catch (error) {
    // Nothing is removed on failure, so the next attempt sends the same change ids again.
    state.lastError = error instanceof api.NetworkError ? "offline" : error.message;
    for (const change of changes) await store.markAttempt(change, state.lastError);
  } finally {
    state.sending = false;
    changed();
  }
}
