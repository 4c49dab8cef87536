// Everything the app keeps on the device, behind one name: the database and its write queue
// (store/database.js), drafts (store/drafts.js), the outbox (store/outbox.js), procedure
// versions and metadata (store/meta.js) and the first version's clear records (store/legacy.js).
// Anything about a concern (case reference, answers, notes, the server's copy in a conflict)
// and the user's profile is stored only as AES-GCM ciphertext (crypto.js); what stays in clear
// is what listing, counting and sending need without the key: ids, the owner's numeric id,
// status, times and attempt counts.
export { LockedError, forgetKey, isUnlocked, useKey } from "./sealing.js";
export { idle, storageProblem, wipe } from "./store/database.js";
export { deleteDraft, getDraft, listDrafts, newDraft, pruneSent, saveAnswer, saveDutyCall } from "./store/drafts.js";
export { sealLegacy } from "./store/legacy.js";
export { askToPersist, getMeta, getProcedure, getSecret, putProcedure, setMeta, setSecret } from "./store/meta.js";
export {
  discard, listOutbox, markProblem, outboxCount, queueSubmission, rebase, reopen, retryLater, retryNow, settle,
  unsentSummary,
} from "./store/outbox.js";
