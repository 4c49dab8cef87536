// The device's one IndexedDB database: opening it, queueing writes to one record, and
// deleting it. Follows idb's advice: one memoised connection, migrations stacked by version,
// and no await on anything but the transaction's own requests while it is open — so records
// are encrypted before a transaction starts, and writes to one record are queued (serial())
// so two quick edits never read the same old copy.
import { deleteDB, openDB } from "../../vendor/idb/index.js";
import { LockedError, forgetKey } from "../sealing.js";

const NAME = "safevisit";
// Of our caches (the service worker's rule: never touch another app's), only the shell and
// the procedure are public; wipe() deletes any other, in case one ever holds personal data.
const PUBLIC_CACHES = /^safevisit-(shell-|procedures$)/;
let dbPromise = null;

export function db() {
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

export const now = () => new Date().toISOString();

// Writes still in flight, so an update, a lock or sign-out can wait until every keystroke
// is stored; and one queue per record, so read-decrypt-change-encrypt-write never races.
const inflight = new Set();
const queues = new Map();

export function idle() {
  return Promise.allSettled([...inflight]);
}

export function serial(name, task) {
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
