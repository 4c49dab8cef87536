// The procedure document on the device: fetched through the service worker (which
// revalidates by ETag), kept in IndexedDB by version so drafts keep the version they were
// started under, and compared across versions.
import * as api from "./api.js";
import * as store from "./store.js";

export const SLUG = "child-abuse-and-the-internet";

// The last copy being written to the device. A page draws from the answer at once rather than
// after the write (a long wait on a slow phone); whatever reads the device's copies
// waits for it first, so a draft started from that answer still finds its version offline.
let saving = Promise.resolve();

// The versions read from this phone in this page, by "slug@version". A version's text never
// changes once loaded (the server refuses new content under an old number), so one read serves
// every later page, and one warmed while the passcode is checked is there at the unlock.
const kept = new Map();

function stored(slug, number) {
  const key = `${slug}@${number}`;
  if (!kept.has(key)) {
    const reading = store.getProcedure(slug, number);
    kept.set(key, reading);
    // A miss (or a failed read) is not remembered: the version may be stored later.
    reading.then((document) => { if (!document) kept.delete(key); }, () => kept.delete(key));
  }
  return kept.get(key);
}

/**
 * Reads the last stored current version into memory without waiting for the network: the
 * version a draft was most likely started under. Needs no key (procedures are public).
 */
export async function warm(slug = SLUG) {
  await saving;
  const version = await store.getMeta(`current:${slug}`);
  if (version) await stored(slug, version);
}

/** The current version: the network's answer when there is one, else the last one stored. */
export async function current(slug = SLUG) {
  let document;
  try {
    document = await api.procedure(slug);
  } catch (error) {
    await saving;
    const version = await store.getMeta(`current:${slug}`);
    const copy = version && await stored(slug, version);
    if (copy) return copy;
    throw error;
  }
  saving = saving.then(async () => {
    await store.putProcedure(document);
    await store.setMeta(`current:${slug}`, document.version);
  }).catch((error) => console.warn("the procedure could not be kept on this phone", error));
  return document;
}

/** A given version, from the device or (online) from the server. */
export async function version(slug, number) {
  await saving;
  const document = await stored(slug, number);
  if (document) return document;
  const fetched = await api.procedureVersion(slug, number);
  await store.putProcedure(fetched);
  return fetched;
}

/** "chapter v10, SafeVisit revision 2", or "version 10" for an encoding without revisions. */
export function versionLabel(document) {
  return document.revision
    ? `chapter v${document.chapter_version}, SafeVisit revision ${document.revision}`
    : `version ${document.version}`;
}

export function questions(document) {
  return document.checklist.sections.flatMap((s) => s.questions);
}

export function paragraphsById(document) {
  return Object.fromEntries(document.paragraphs.map((p) => [p.id, p]));
}

// The parts of a question that change what it asks or when it is asked.
function signature(question) {
  const { label, type, options, when, min, max, required } = question;
  return JSON.stringify({ label, type, options, when, min, max, required });
}

/**
 * What a draft started under `older` should know about `newer`: questions whose wording,
 * type, options or conditions changed, and questions added or removed.
 */
export function changedQuestions(older, newer) {
  const before = new Map(questions(older).map((q) => [q.id, q]));
  const after = new Map(questions(newer).map((q) => [q.id, q]));
  const changes = [];
  for (const [id, q] of after) {
    if (!before.has(id)) changes.push({ id, label: q.label, change: "added" });
    else if (signature(before.get(id)) !== signature(q)) {
      changes.push({ id, label: q.label, change: "changed" });
    }
  }
  for (const [id, q] of before) {
    if (!after.has(id)) changes.push({ id, label: q.label, change: "removed" });
  }
  return changes;
}
