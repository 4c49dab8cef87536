// Procedure versions and the device's metadata: a little in clear (ids, times, settings, the
// wrapped key record), and what says who someone is (the profile, the device key) sealed.
import { isSealed, open, seal } from "../crypto.js";
import { aad, dataKey } from "../sealing.js";
import { db, now } from "./database.js";

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

/** Asks the browser not to evict our data under storage pressure; false means it said no. */
export async function askToPersist() {
  if (!navigator.storage?.persist) return null;
  const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  await setMeta("persisted", granted);
  return granted;
}
