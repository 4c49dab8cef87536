// The passcode and the lock: setting the passcode at first sign-in, unlocking (offline
// too), counting wrong passcodes across reloads, wiping after too many, and locking after
// a quiet spell. No DOM here; views/lock.js draws the screens.
import { WrongPasscode, createVault, openVault } from "./crypto.js";
import * as store from "./store.js";

export const MAX_ATTEMPTS = 10;
export const WARN_WHEN_LEFT = 3; // from here on, the lock screen says what a wipe would destroy
// The passcode must hold out against a stolen copy of the storage, where the 10-try wipe does
// not apply. SECURITY.md has the arithmetic: at 600,000 PBKDF2-SHA-256 iterations one GPU
// tries about 15,000 passcodes a second (we assume 20,000), so a passcode must come from a
// space of at least 10^13 to take years (about 16 to try them all, 8 on average). We can
// only judge its shape: the characters it draws on and its length, with runs refused.
export const MIN_GUESSES_LOG10 = 13;
const ALPHABETS = [[/[0-9]/u, 10], [/[a-z]/iu, 26], [/[^0-9a-z]/iu, 33]];
export const MIN_LENGTH = 8; // the shortest passcode that can pass (letters, digits and a symbol)
export const MIN_DIGITS = 13; // an all-digit passcode
export const STRENGTH_RULE = "Use at least 13 digits, or at least 9 characters that mix letters and digits " +
  "(10 if only letters, 8 with a symbol), with no long runs like 1234 or aaaa.";
export const IDLE_CHOICES = [1, 2, 5, 10, 15]; // minutes
export const DEFAULT_IDLE_MINUTES = 5;

// The vault record as the lock screen found it, so the key derivation can start the moment the
// passcode is submitted, alongside the reads of the record and the count, so unlocking a slow phone is not held up.
let found = null;

export async function exists() {
  found = (await store.getMeta("vault")) || null;
  return Boolean(found);
}

// The key derived ahead for the passcode typed so far (deriveAhead), and the latest value typed
// while a derivation ran. Practice, not the chapter: a person takes longer to reach Unlock than
// the derivation takes, so the wait at Unlock mostly goes.
let ahead = null;
let wanted = null;
const AHEAD_FROM_LENGTH = 4; // shorter values are typed on the way to any passcode

/**
 * While the passcode is typed, derives the key for the value so far, one derivation at a time
 * (a value typed meanwhile waits for the one running), so a slow phone is not queued up with
 * work for values already gone. Counts nothing and shows nothing: only unlock() uses the
 * outcome, and only after the attempt is counted. forgetAhead() drops it.
 */
export function deriveAhead(passcode) {
  wanted = passcode && passcode.length >= AHEAD_FROM_LENGTH ? passcode : null;
  if (!found || !wanted || ahead?.passcode === wanted || (ahead && !ahead.done)) return;
  const entry = { passcode: wanted, record: found, done: false };
  entry.opening = openVault(found, wanted);
  entry.opening.catch(() => {}).finally(() => {
    entry.done = true;
    if (ahead === entry && wanted && wanted !== entry.passcode) deriveAhead(wanted);
  });
  ahead = entry;
}

/** Drops a key derived ahead: submitted, the screen gone, or the page hidden. */
export function forgetAhead() {
  ahead = null;
  wanted = null;
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Is `record` the vault `known` was read from (not replaced by a wipe and a new passcode)? */
function sameVault(known, record) {
  return Boolean(known && record) && known.iterations === record.iterations &&
    sameBytes(known.salt, record.salt) && sameBytes(known.wrapped, record.wrapped);
}

/** log10 of the passcodes of this shape: alphabet size ^ length (characters, not bytes). */
export function searchSpaceLog10(passcode) {
  const chars = [...passcode.normalize("NFC")];
  const alphabet = ALPHABETS.filter(([re]) => chars.some((c) => re.test(c))).reduce((n, [, size]) => n + size, 0);
  return alphabet ? chars.length * Math.log10(alphabet) : 0;
}

/** True when over a third of the steps repeat a character or step by one (1234, aaaa, 4321, abcd). */
export function mostlyRuns(passcode) {
  const codes = [...passcode.normalize("NFC").toLowerCase()].map((c) => c.codePointAt(0));
  let runs = 0;
  for (let i = 1; i < codes.length; i += 1) if (Math.abs(codes[i] - codes[i - 1]) <= 1) runs += 1;
  return codes.length > 1 && runs * 3 > codes.length - 1;
}

/** What is wrong with a new passcode, in words for the screen, or null when it will do. */
export function passcodeProblem(passcode, again) {
  if (searchSpaceLog10(passcode) < MIN_GUESSES_LOG10 || mostlyRuns(passcode)) {
    return `This passcode could be guessed from a copy of the phone's storage. ${STRENGTH_RULE}`;
  }
  if (again !== undefined && passcode !== again) return "The two passcodes are not the same.";
  return null;
}

/** First sign-in on this device: a new data key, wrapped under the new passcode. */
export async function create(passcode) {
  const { record, key } = await createVault(passcode);
  await store.setMeta("vault", record);
  found = record;
  await store.setMeta("failedUnlocks", 0);
  store.useKey(key);
  await store.sealLegacy();
}

/**
 * Tries a passcode. Returns {ok: true}, {ok: false, left} or {wiped: true}.
 * The failure is counted while the slow check runs, and the check's outcome is not acted on
 * before the count is stored, so closing the page mid-check does not win a free guess; a right
 * passcode resets the count.
 */
export async function unlock(passcode) {
  const known = found;
  const early = ahead && ahead.passcode === passcode && ahead.record === known ? ahead.opening
    : known && openVault(known, passcode);
  forgetAhead();
  early?.catch(() => {}); // settled below, or dropped if the vault was replaced meanwhile
  const [record, failedBefore] = await Promise.all([store.getMeta("vault"), store.getMeta("failedUnlocks")]);
  found = record || null;
  const failed = (failedBefore || 0) + 1;
  const counted = store.setMeta("failedUnlocks", failed);
  const opening = sameVault(known, record) ? early : openVault(record, passcode);
  const [opened] = await Promise.allSettled([opening, counted]);
  await counted; // a count that could not be stored fails the unlock, whatever the passcode
  if (opened.status === "rejected") {
    if (!(opened.reason instanceof WrongPasscode)) throw opened.reason;
    if (failed >= MAX_ATTEMPTS) {
      await store.wipe();
      return { wiped: true };
    }
    return { ok: false, left: MAX_ATTEMPTS - failed };
  }
  store.useKey(opened.value);
  await Promise.all([store.setMeta("failedUnlocks", 0), store.sealLegacy()]);
  return { ok: true };
}

export async function attemptsLeft() {
  return MAX_ATTEMPTS - ((await store.getMeta("failedUnlocks")) || 0);
}

export async function idleMinutes() {
  const settings = (await store.getMeta("settings")) || {};
  return IDLE_CHOICES.includes(settings.idleMinutes) ? settings.idleMinutes : DEFAULT_IDLE_MINUTES;
}

export async function setIdleMinutes(minutes) {
  const settings = (await store.getMeta("settings")) || {};
  await store.setMeta("settings", { ...settings, idleMinutes: minutes });
}

/**
 * Calls `onIdle` once no touch, key or scroll has happened for the configured time. Timers
 * are slowed in background tabs, so the time is also checked when the page is shown again.
 * Returns a function that stops watching.
 */
export function watchIdle(onIdle) {
  let last = Date.now();
  let limitMs = DEFAULT_IDLE_MINUTES * 60_000;
  let stopped = false;
  idleMinutes().then((m) => { limitMs = m * 60_000; });
  const activity = () => { last = Date.now(); };
  const check = () => {
    if (!stopped && store.isUnlocked() && Date.now() - last >= limitMs) onIdle();
  };
  const events = ["pointerdown", "keydown", "scroll", "touchstart", "input"];
  for (const name of events) window.addEventListener(name, activity, { passive: true, capture: true });
  const visibility = () => { if (document.visibilityState === "visible") check(); };
  document.addEventListener("visibilitychange", visibility);
  const timer = setInterval(check, 5000);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const name of events) window.removeEventListener(name, activity, { capture: true });
      document.removeEventListener("visibilitychange", visibility);
    },
    reset: activity,
    setLimit(minutes) { limitMs = minutes * 60_000; },
  };
}
