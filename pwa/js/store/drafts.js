// Concern drafts: the checklist's answers as they are typed, sealed record by record. What
// stays in clear is what the home screen lists and counts without the key.
import { DraftStatus } from "../names.js";
import { openRecord, sealRecord } from "../sealing.js";
import { db, now, serial } from "./database.js";

const DRAFT_CLEAR = ["id", "owner", "status", "created_at", "updated_at", "sent_at"];
export const sealDraft = (draft) => sealRecord("drafts", "id", DRAFT_CLEAR, draft);
const openDraft = (record) => openRecord("drafts", "id", record);

export async function newDraft({ procedure, procedureVersion, owner }) {
  const draft = {
    id: crypto.randomUUID(), owner, status: DraftStatus.DRAFT, created_at: now(), updated_at: now(),
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

/** "I have phoned" the duty desk: kept in the draft, so encrypted with it, and sent with it. */
export function saveDutyCall(id, call) {
  return serial(`draft/${id}`, async () => {
    const draft = await getDraft(id);
    if (!draft || draft.status !== DraftStatus.DRAFT) throw new Error("This concern has already been submitted.");
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
    if (record.status === DraftStatus.SENT && record.sent_at < cutoff) await database.delete("drafts", record.id);
  }
}
