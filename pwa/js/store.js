// Everything the app keeps on the device, in one module: drafts, the outbox, procedure
// versions and a little metadata. Anything about a concern (case reference, answers, notes,
// the server's copy in a conflict) and the user's profile is stored only as AES-GCM
// ciphertext (crypto.js); what stays in clear is what listing, counting and sending need
// without the key: ids, the owner's numeric id, status, times and attempt counts.
// Follows idb's advice: one memoised connection, migrations stacked by version, and no
// await on anything but the transaction's own requests while it is open — so records are
// encrypted before a transaction starts, and writes to one record are queued (serial()) so
// two quick edits never read the same old copy.
import { deleteDB, openDB } from "../vendor/idb/index.js";
import { isSealed, open, seal } from "./crypto.js";
import { LockedError, aad, dataKey, forgetKey, openRecord, sealRecord } from "./sealing.js";

export { LockedError, forgetKey, isUnlocked, useKey } from "./sealing.js";

const NAME = "safevisit";
// Of our caches (the service worker's rule: never touch another app's), only the shell and
// the procedure are public; wipe() deletes any other, in case one ever holds personal data.
const PUBLIC_CACHES = /^safevisit-(shell-|procedures$)/;
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

const DRAFT_CLEAR = ["id", "owner", "status", "created_at", "updated_at", "sent_at"];
const ITEM_CLEAR = ["change_id", "id", "owner", "state", "queued_at", "attempts", "next_at", "last_error"];
const sealDraft = (draft) => sealRecord("drafts", "id", DRAFT_CLEAR, draft);
const openDraft = (record) => openRecord("drafts", "id", record);
const sealItem = (item) => sealRecord("outbox", "change_id", ITEM_CLEAR, item);
const openItem = (record) => openRecord("outbox", "change_id", record);

// Writes still in flight, so an update, a lock or sign-out can wait until every keystroke
// is stored; and one queue per record, so read-decrypt-change-encrypt-write never races.
const inflight = new Set();
const queues = new Map();

export function idle() {
  return Promise.allSettled([...inflight]);
}

function serial(name, task) {
  const run = (queues.get(name) || Promise.resolve()).catch(() => {}).then(task);
  queues.set(name, run);
  inflight.add(run);
  run.finally(() => {
    inflight.delete(run);
    if (queues.get(name) === run) queues.delete(name);
  }).catch(() => {});
  return run;
}

/** Words for a failed local write; quota errors in particular must reach the user. */
export function storageProblem(error) {
  if (error?.name === "QuotaExceededError") {
    return "This phone is out of storage space for SafeVisit, so the last change was NOT saved. Free some space, then try again.";
  }
  if (error instanceof LockedError) return "SafeVisit is locked. Unlock it to save.";
  return `The last change could NOT be saved on this phone (${error?.message || error}).`;
}

// --- drafts -------------------------------------------------------------------------

export async function newDraft({ procedure, procedureVersion, owner }) {
  const draft = {
    id: crypto.randomUUID(), owner, status: "draft", created_at: now(), updated_at: now(),
    procedure, procedure_version: procedureVersion, answers: {}, notes: "", base_version: 0,
  };
  const record = await sealDraft(draft);
  await (await db()).put("drafts", record);
  return draft;
}

export async function getDraft(id) {
  return openDraft(await (await db()).get("drafts", id));
}

/** Drafts newest first, decrypted. */
export async function listDrafts() {
  const records = (await (await db()).getAllFromIndex("drafts", "updated_at")).reverse();
  return Promise.all(records.map(openDraft));
}

/** Saves one answer (or clears it when `value` is undefined). */
export function saveAnswer(id, questionId, value) {
  return serial(`draft/${id}`, async () => {
    const draft = await getDraft(id);
    if (!draft) throw new Error("draft not found");
    if (value === undefined) delete draft.answers[questionId];
    else draft.answers[questionId] = value;
    draft.updated_at = now();
    const record = await sealDraft(draft);
    await (await db()).put("drafts", record);
    return draft;
  });
}

/** "I have phoned" (issue 14): kept in the draft, so encrypted with it, and sent with it. */
export function saveDutyCall(id, call) {
  return serial(`draft/${id}`, async () => {
    const draft = await getDraft(id);
    if (!draft || draft.status !== "draft") throw new Error("This concern has already been submitted.");
    draft.duty_call = call;
    draft.updated_at = now();
    await (await db()).put("drafts", await sealDraft(draft));
    return draft;
  });
}

export async function deleteDraft(id) {
  await serial(`draft/${id}`, async () => (await db()).delete("drafts", id));
}

/** Sent drafts keep only what the home screen shows; older ones are forgotten. */
export async function pruneSent(maxAgeMs) {
  const database = await db();
  const cutoff = new Date(Date.now() - maxAgeMs).toISOString();
  for (const record of await database.getAll("drafts")) {
    if (record.status === "sent" && record.sent_at < cutoff) await database.delete("drafts", record.id);
  }
}

// --- outbox -------------------------------------------------------------------------

const CHANGE_FIELDS = ["id", "base_version", "procedure", "procedure_version", "answers", "notes", "duty_call"];

function outboxItem(draft, fields) {
  const change = { ...fields, change_id: crypto.randomUUID() }; // new for every edit
  return { change_id: change.change_id, id: draft.id, owner: draft.owner, state: "waiting",
    queued_at: now(), attempts: 0, next_at: 0, last_error: null, change, problem: null };
}

/**
 * Moves a draft into the outbox as one change for POST /api/sync. Both stores change in
 * one transaction, so a crash leaves either a draft or a queued change, never both or none.
 */
export function queueSubmission(id, { submittedWithout = [] } = {}) {
  return serial(`draft/${id}`, async () => {
    const draft = await getDraft(id);
    if (!draft || draft.status !== "draft") throw new Error("This concern has already been submitted.");
    const fields = Object.fromEntries(CHANGE_FIELDS.map((f) => [f, draft[f]]));
    // The decisive questions the worker confirmed submitting without (the server requires it).
    if (submittedWithout.length) fields.submitted_without = submittedWithout;
    const item = outboxItem(draft, { ...fields, case_reference: draft.answers.case_reference, status: "submitted" });
    draft.status = "queued";
    draft.updated_at = now();
    const [itemRecord, draftRecord] = await Promise.all([sealItem(item), sealDraft(draft)]);
    const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
    await Promise.all([tx.objectStore("outbox").put(itemRecord), tx.objectStore("drafts").put(draftRecord), tx.done]);
    return item;
  });
}

/** The outbox, oldest first, decrypted. */
export async function listOutbox() {
  const items = await Promise.all((await (await db()).getAll("outbox")).map(openItem));
  return items.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}

/** What would be lost, counted without the key (for the lock screen and sign-out). */
export async function unsentSummary() {
  const database = await db();
  const items = await database.getAll("outbox");
  const drafts = await database.getAll("drafts");
  return { waiting: items.filter((i) => i.state === "waiting").length,
    attention: items.filter((i) => i.state !== "waiting").length,
    outbox: items.length, drafts: drafts.filter((d) => d.status === "draft").length };
}

export async function outboxCount() {
  return (await db()).count("outbox");
}

async function updateItem(changeId, change) {
  const tx = (await db()).transaction("outbox", "readwrite");
  const stored = await tx.store.get(changeId);
  if (stored) change(stored);
  await Promise.all([stored && tx.store.put(stored), tx.done]);
}

/**
 * The server has the change (applied or duplicate): it leaves the outbox, and the draft
 * keeps only its case reference and when it was sent, so it can say "sent".
 */
export function settle(item, result) {
  return serial(`draft/${item.id}`, async () => {
    const draft = await getDraft(item.id);
    const stub = { id: item.id, owner: item.owner, status: "sent", created_at: draft?.created_at ?? item.queued_at,
      updated_at: now(), sent_at: now(), case_reference: item.change.case_reference,
      procedure: item.change.procedure, procedure_version: item.change.procedure_version,
      server_version: result.version, answers: {}, notes: "" };
    const record = await sealDraft(stub);
    const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
    await Promise.all([tx.objectStore("outbox").delete(item.change_id), tx.objectStore("drafts").put(record), tx.done]);
  });
}

/** No usable answer: counted, and not tried again before `nextAt`. */
export async function retryLater(item, code, nextAt) {
  await updateItem(item.change_id, (stored) => {
    stored.attempts += 1;
    stored.last_error = code;
    stored.next_at = nextAt;
  });
}

/** A conflict or rejection: kept, with what the server said, until the user decides. */
export async function markProblem(item, problem) {
  const record = await sealItem({ ...item, state: problem.kind, problem, attempts: item.attempts + 1 });
  await (await db()).put("outbox", record);
}

export async function retryNow(changeId) {
  await updateItem(changeId, (stored) => { stored.next_at = 0; });
}

/** The user chose to throw the item (and its draft) away. */
export async function discard(item) {
  const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
  await Promise.all([tx.objectStore("outbox").delete(item.change_id), tx.objectStore("drafts").delete(item.id), tx.done]);
}

/** Rejected: back to a draft the user can correct and submit again. */
export function reopen(item) {
  return serial(`draft/${item.id}`, async () => {
    const draft = { ...(await getDraft(item.id)), ...Object.fromEntries(CHANGE_FIELDS.map((f) => [f, item.change[f]])),
      status: "draft", updated_at: now() };
    const record = await sealDraft(draft);
    const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
    await Promise.all([tx.objectStore("outbox").delete(item.change_id), tx.objectStore("drafts").put(record), tx.done]);
  });
}

/** Conflict: send this phone's copy again on top of the server's version, as a new change. */
export async function rebase(item, serverVersion) {
  const fresh = outboxItem(item, { ...item.change, base_version: serverVersion });
  fresh.queued_at = item.queued_at;
  const record = await sealItem(fresh);
  const tx = (await db()).transaction("outbox", "readwrite");
  await Promise.all([tx.store.delete(item.change_id), tx.store.put(record), tx.done]);
}

// --- procedures and metadata --------------------------------------------------------

export async function putProcedure(document) {
  const storeKey = `${document.slug}@${document.version}`;
  await (await db()).put("procedures", { key: storeKey, slug: document.slug, version: document.version,
    document, stored_at: now() });
}

export async function getProcedure(slug, version) {
  return (await (await db()).get("procedures", `${slug}@${version}`))?.document;
}

/** Metadata kept in clear: ids, times, settings, the wrapped key record. */
export async function getMeta(name) {
  return (await db()).get("meta", name);
}

export async function setMeta(name, value) {
  await (await db()).put("meta", value, name);
}

/** Metadata that says who someone is (the user's profile): encrypted like a draft. */
export async function getSecret(name) {
  const stored = await getMeta(name);
  return isSealed(stored) ? open(dataKey(), aad("meta", name), stored) : undefined;
}

export async function setSecret(name, value) {
  await setMeta(name, await seal(dataKey(), aad("meta", name), value));
}

// Set once every record is sealed: every write since the first version seals, so one pass is
// enough, and an unlock no longer reads every draft and queued concern to look (issue 15).
const LEGACY_SEALED = "legacySealed";

/** Records written in clear by the first version of the app are encrypted once unlocked. */
export async function sealLegacy() {
  if (await getMeta(LEGACY_SEALED)) return;
  const database = await db();
  for (const record of await database.getAll("drafts")) {
    if (!record.sealed) await database.put("drafts", await sealDraft(record));
  }
  for (const record of await database.getAll("outbox")) {
    if (record.sealed) continue;
    const { change_id: changeId, id, queued_at: queuedAt, attempts } = record;
    const change = Object.fromEntries(["id", "change_id", "base_version", "case_reference", "procedure",
      "procedure_version", "answers", "notes", "status"].map((f) => [f, record[f]]));
    await database.put("outbox", await sealItem({ change_id: changeId, id, owner: record.owner ?? null,
      state: "waiting", queued_at: queuedAt, attempts: attempts || 0, next_at: 0, last_error: null, change, problem: null }));
  }
  const user = await database.get("meta", "user");
  if (user && !isSealed(user)) await setSecret("user", user);
  await setMeta(LEGACY_SEALED, true);
}

/** Asks the browser not to evict our data under storage pressure; false means it said no. */
export async function askToPersist() {
  if (!navigator.storage?.persist) return null;
  const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  await setMeta("persisted", granted);
  return granted;
}

/** Sign-out, lock-out or a revoked account: nothing about the user stays on the device. */
export async function wipe() {
  forgetKey();
  const database = await dbPromise?.catch(() => null);
  database?.close();
  dbPromise = null;
  await deleteDB(NAME);
  if ("caches" in globalThis) {
    for (const name of await caches.keys()) {
      if (name.startsWith("safevisit-") && !PUBLIC_CACHES.test(name)) await caches.delete(name);
    }
  }
}
