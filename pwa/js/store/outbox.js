// The outbox: concerns on their way to the server, one change per submission or edit. Both a
// draft and its queued change move in one transaction, so a crash leaves one or the other,
// never both or none. In clear: what sending, backoff and counting need without the key.
import { DraftStatus, OutboxState, Status } from "../names.js";
import { openRecord, sealRecord } from "../sealing.js";
import { db, now, serial } from "./database.js";
import { getDraft, sealDraft } from "./drafts.js";

const ITEM_CLEAR = ["change_id", "id", "owner", "state", "queued_at", "attempts", "next_at", "last_error"];
export const sealItem = (item) => sealRecord("outbox", "change_id", ITEM_CLEAR, item);
const openItem = (record) => openRecord("outbox", "change_id", record);

const CHANGE_FIELDS = ["id", "base_version", "procedure", "procedure_version", "answers", "notes", "duty_call"];

function outboxItem(draft, fields) {
  const change = { ...fields, change_id: crypto.randomUUID() }; // new for every edit
  return { change_id: change.change_id, id: draft.id, owner: draft.owner, state: OutboxState.WAITING,
    queued_at: now(), attempts: 0, next_at: 0, last_error: null, change, problem: null };
}

/**
 * Moves a draft into the outbox as one change for POST /api/sync. Both stores change in
 * one transaction, so a crash leaves either a draft or a queued change, never both or none.
 */
export function queueSubmission(id, { submittedWithout = [] } = {}) {
  return serial(`draft/${id}`, async () => {
    const draft = await getDraft(id);
    if (!draft || draft.status !== DraftStatus.DRAFT) throw new Error("This concern has already been submitted.");
    const fields = Object.fromEntries(CHANGE_FIELDS.map((f) => [f, draft[f]]));
    // The decisive questions the worker confirmed submitting without (the server requires it).
    if (submittedWithout.length) fields.submitted_without = submittedWithout;
    const item = outboxItem(draft, { ...fields, case_reference: draft.answers.case_reference, status: Status.SUBMITTED });
    draft.status = DraftStatus.QUEUED;
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
  return { waiting: items.filter((i) => i.state === OutboxState.WAITING).length,
    attention: items.filter((i) => i.state !== OutboxState.WAITING).length,
    outbox: items.length, drafts: drafts.filter((d) => d.status === DraftStatus.DRAFT).length };
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
    const stub = { id: item.id, owner: item.owner, status: DraftStatus.SENT, created_at: draft?.created_at ?? item.queued_at,
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
      status: DraftStatus.DRAFT, updated_at: now() };
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
