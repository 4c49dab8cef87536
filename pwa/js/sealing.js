// The data key while the app is unlocked, and how a record is split into what stays in
// clear and what is encrypted. The key lives only in this module's memory: locking or
// closing the page forgets it, and only the passcode brings it back (vault.js).
import { open, seal } from "./crypto.js";

let key = null;

export class LockedError extends Error {
  constructor() { super("SafeVisit is locked."); this.name = "LockedError"; }
}

export function useKey(dataKey) { key = dataKey; }
export function forgetKey() { key = null; }
export const isUnlocked = () => key !== null;

export function dataKey() {
  if (!key) throw new LockedError();
  return key;
}

// The additional data names the record, so a ciphertext copied onto another record fails.
export const aad = (storeName, id) => `safevisit/${storeName}/${id}`;

function split(record, clearFields) {
  const clear = {};
  const secret = {};
  for (const [name, value] of Object.entries(record)) (clearFields.includes(name) ? clear : secret)[name] = value;
  return [clear, secret];
}

/** `{...clearFields, sealed}`: everything not named in `clearFields` is encrypted. */
export async function sealRecord(storeName, keyField, clearFields, record) {
  const [clear, secret] = split(record, clearFields);
  return { ...clear, sealed: await seal(dataKey(), aad(storeName, record[keyField]), secret) };
}

export async function openRecord(storeName, keyField, record) {
  if (!record) return record;
  const { sealed, ...clear } = record;
  return { ...clear, ...(await open(dataKey(), aad(storeName, record[keyField]), sealed)) };
}
