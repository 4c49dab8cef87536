// The outbox's rules, as plain functions (no DOM, no IndexedDB) so node tests can pin them:
// what each answer from POST /api/sync does to an item, and how long to wait before trying
// an item again.
import { OutboxState } from "./names.js";

export const BATCH = 50; // the server's limit on changes per request

// Exponential backoff with jitter, as workbox and most clients do it: quick retries for a
// blip, then at most one try every five minutes; the jitter spreads out a team of phones
// that all regain signal at once when the server comes back.
const FIRST_MS = 2000;
const MAX_MS = 5 * 60 * 1000;

/** Milliseconds to wait after the `attempts`-th failed try (1 = the first failure). */
export function retryDelay(attempts, random = Math.random) {
  const ceiling = Math.min(MAX_MS, FIRST_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

// Only these two mean the server has the change; anything else keeps it queued.
const SETTLED = new Set(["applied", "duplicate"]);
const PROBLEM = new Set(["conflict", "rejected"]);

/**
 * Sorts the server's answers for `items` (each with a change_id). Returns
 *   sent:     [{item, result}] — the server has them; they may leave the outbox
 *   problems: [{item, result}] — conflict or rejected: kept, and shown to the user
 *   retry:    [item]           — no usable answer: kept and tried again later
 * An answer for a change_id we did not send is ignored.
 */
export function sortResults(items, results) {
  const answers = new Map();
  for (const result of results || []) {
    if (result && typeof result.change_id === "string") answers.set(result.change_id, result);
  }
  const sorted = { sent: [], problems: [], retry: [] };
  for (const item of items) {
    const result = answers.get(item.change_id);
    if (result && SETTLED.has(result.result) && result.id === item.id) sorted.sent.push({ item, result });
    else if (result && PROBLEM.has(result.result)) sorted.problems.push({ item, result });
    else sorted.retry.push(item);
  }
  return sorted;
}

/** Items that may be sent now: waiting (not needing attention) and past their backoff. */
export function due(items, now = Date.now(), { ignoreBackoff = false } = {}) {
  return items.filter((item) => item.state === OutboxState.WAITING && (ignoreBackoff || !item.next_at || item.next_at <= now));
}

/** When the next automatic try should happen, or null if nothing is waiting. */
export function nextWake(items) {
  const times = items.filter((i) => i.state === OutboxState.WAITING && i.next_at).map((i) => i.next_at);
  return times.length ? Math.min(...times) : null;
}

export function batches(items, size = BATCH) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// How a whole-request failure is described to the user; the codes are stored, not messages.
export function failureCode(error) {
  if (error?.name === "NetworkError") return "offline";
  if (error?.status === 429) return "busy";
  if (error?.status >= 500) return "server_error";
  return "refused";
}
