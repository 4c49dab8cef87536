// Encryption at rest, with WebCrypto only (no library: the primitives are built in and audited).
//
// - A random 256-bit AES-GCM data key encrypts every record. It is used only as a
//   non-extractable CryptoKey, so page script cannot read its bytes.
// - The data key is stored only wrapped (AES-KW) by a key derived from the user's passcode
//   with PBKDF2-SHA-256 and a per-device random salt. WebCrypto has no memory-hard KDF
//   (Argon2, scrypt), so the iteration count carries the cost: OWASP's 600,000 for
//   PBKDF2-HMAC-SHA-256. SECURITY.md says what that does and does not buy.
// - AES-KW has an integrity check, so a wrong passcode fails to unwrap: no stored hash of
//   the passcode is needed, and none exists to attack.
// - Every write has a fresh random 96-bit IV, and the record's identity (store and key) is
//   the additional authenticated data, so ciphertexts cannot be swapped between records.
// Runs the same in the browser and in Node 20 (globalThis.crypto), where pwa/tests/ test it.

export const ITERATIONS = 600_000;
export const KDF_NAME = "PBKDF2-SHA-256";
const SALT_BYTES = 16;
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The passcode does not open the wrapped key. */
export class WrongPasscode extends Error {
  constructor() {
    super("That passcode is not right.");
    this.name = "WrongPasscode";
  }
}

export function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** The key-encryption key from a passcode; it can only wrap and unwrap. */
export async function passcodeKey(passcode, salt, iterations = ITERATIONS) {
  // NFC so the same passcode typed on two keyboards gives the same bytes.
  const material = await crypto.subtle.importKey("raw", encoder.encode(passcode.normalize("NFC")),
    "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material, { name: "AES-KW", length: 256 }, false, ["wrapKey", "unwrapKey"]);
}

function unwrapDataKey(wrapped, kek) {
  return crypto.subtle.unwrapKey("raw", wrapped, kek, "AES-KW",
    { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/**
 * A new data key under a new passcode. Returns the record to store (salt, iteration count,
 * wrapped key: nothing secret) and the data key to use now (non-extractable).
 */
export async function createVault(passcode, { iterations = ITERATIONS } = {}) {
  const salt = randomBytes(SALT_BYTES);
  const kek = await passcodeKey(passcode, salt, iterations);
  // Extractable only for the moment it takes to wrap it; the copy kept in memory is not.
  const fresh = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true,
    ["encrypt", "decrypt"]);
  const wrapped = new Uint8Array(await crypto.subtle.wrapKey("raw", fresh, kek, "AES-KW"));
  const key = await unwrapDataKey(wrapped, kek);
  return { record: { kdf: KDF_NAME, iterations, salt, wrap: "AES-KW", wrapped }, key };
}

/** The data key, if the passcode is right; WrongPasscode otherwise. */
export async function openVault(record, passcode) {
  const kek = await passcodeKey(passcode, record.salt, record.iterations);
  try {
    return await unwrapDataKey(record.wrapped, kek);
  } catch (error) {
    // AES-KW's integrity check fails with OperationError when the key is wrong.
    if (error.name === "OperationError") throw new WrongPasscode();
    throw error;
  }
}

/** Encrypts a JSON-able value; `aad` names the record it belongs to. */
export async function seal(key, aad, value) {
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    key, encoder.encode(JSON.stringify(value)));
  return { iv, ct: new Uint8Array(ct) };
}

/** Decrypts what seal() made for the same `aad`; throws if either was tampered with. */
export async function open(key, aad, sealed) {
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: sealed.iv, additionalData: encoder.encode(aad) }, key, sealed.ct);
  return JSON.parse(decoder.decode(plain));
}

export function isSealed(value) {
  return Boolean(value) && value.iv instanceof Uint8Array && value.ct instanceof Uint8Array;
}
