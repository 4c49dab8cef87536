// Everything the app keeps on the device, in one module, so that encryption at rest
// (issue 5) wraps one place: drafts, the outbox, procedure versions and a little metadata.
// Follows idb's advice: one memoised connection, migrations stacked by version, and no
// await on anything but the transaction's own requests while it is open.
import { deleteDB, openDB } from "../vendor/idb/index.js";

const NAME = "safevisit";
let dbPromise = null;

function db() {
  dbPromise ||= openDB(NAME, 1, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        const drafts = database.createObjectStore("drafts", { keyPath: "id" });
        drafts.createIndex("updated_at", "updated_at");
        database.createObjectStore("outbox", { keyPath: "change_id" });
        database.createObjectStore("procedures", { keyPath: "key" });
        database.createObjectStore("meta");
      }
    },
    // Another tab upgraded or wiped the database: let go so it is not blocked.
    blocking() { dbPromise?.then((d) => d.close()); dbPromise = null; },
  });
  return dbPromise;
}

const now = () => new Date().toISOString();

// --- drafts -------------------------------------------------------------------------

export async function newDraft({ procedure, procedureVersion, owner }) {
  const draft = {
    id: crypto.randomUUID(), procedure, procedure_version: procedureVersion, owner,
    answers: {}, notes: "", status: "draft", base_version: 0,
    created_at: now(), updated_at: now(),
  };
  await (await db()).put("drafts", draft);
  return draft;
}

export async function getDraft(id) {
  return (await db()).get("drafts", id);
}

/** Drafts newest first. */
export async function listDrafts() {
  return (await (await db()).getAllFromIndex("drafts", "updated_at")).reverse();
}

// Writes still in flight, so an update or sign-out can wait until every keystroke is stored.
const inflight = new Set();

export function idle() {
  return Promise.allSettled([...inflight]);
}

/** Saves one answer (or clears it when `value` is undefined) in its own transaction. */
export function saveAnswer(id, questionId, value) {
  const write = writeAnswer(id, questionId, value);
  inflight.add(write);
  write.finally(() => inflight.delete(write)).catch(() => {});
  return write;
}

async function writeAnswer(id, questionId, value) {
  const tx = (await db()).transaction("drafts", "readwrite");
  const draft = await tx.store.get(id);
  if (!draft) throw new Error("draft not found");
  if (value === undefined) delete draft.answers[questionId];
  else draft.answers[questionId] = value;
  draft.updated_at = now();
  await Promise.all([tx.store.put(draft), tx.done]);
  return draft;
}

export async function deleteDraft(id) {
  await (await db()).delete("drafts", id);
}

// --- outbox -------------------------------------------------------------------------

/**
 * Moves a draft into the outbox as one change for POST /api/sync. Both stores change in
 * one transaction, so a crash leaves either a draft or a queued change, never both or none.
 */
export async function queueSubmission(id) {
  const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
  const draft = await tx.objectStore("drafts").get(id);
  const change = {
    change_id: crypto.randomUUID(), id: draft.id, base_version: draft.base_version,
    case_reference: draft.answers.case_reference, procedure: draft.procedure,
    procedure_version: draft.procedure_version, answers: draft.answers, notes: draft.notes,
    status: "submitted", queued_at: now(), attempts: 0, last_error: null,
  };
  draft.status = "queued";
  draft.updated_at = now();
  await Promise.all([tx.objectStore("outbox").put(change),
    tx.objectStore("drafts").put(draft), tx.done]);
  return change;
}

export async function listOutbox() {
  const changes = await (await db()).getAll("outbox");
  return changes.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}

export async function outboxCount() {
  return (await db()).count("outbox");
}

/** The server has the change: forget it and the local copy of the concern. */
export async function settle(change) {
  const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
  await Promise.all([tx.objectStore("outbox").delete(change.change_id),
    tx.objectStore("drafts").delete(change.id), tx.done]);
}

export async function markAttempt(change, error) {
  const tx = (await db()).transaction("outbox", "readwrite");
  const stored = await tx.store.get(change.change_id);
  if (stored) {
    stored.attempts += 1;
    stored.last_error = error;
    await Promise.all([tx.store.put(stored), tx.done]);
  }
}

// --- procedures and metadata --------------------------------------------------------

export async function putProcedure(document) {
  const key = `${document.slug}@${document.version}`;
  await (await db()).put("procedures", { key, slug: document.slug, version: document.version,
    document, stored_at: now() });
}

export async function getProcedure(slug, version) {
  return (await (await db()).get("procedures", `${slug}@${version}`))?.document;
}

export async function getMeta(key) {
  return (await db()).get("meta", key);
}

export async function setMeta(key, value) {
  await (await db()).put("meta", value, key);
}

/** Logout: nothing about the user or their concerns stays on the device. */
export async function wipe() {
  const database = await dbPromise;
  database?.close();
  dbPromise = null;
  await deleteDB(NAME);
}
