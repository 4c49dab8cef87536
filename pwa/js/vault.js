// The passcode and the lock: setting the passcode at first sign-in, unlocking (offline
// too), counting wrong passcodes across reloads, wiping after too many, and locking after
// a quiet spell. No DOM here; views/lock.js draws the screens.
import { WrongPasscode, createVault, openVault } from "./crypto.js";
import * as store from "./store.js";

export const MAX_ATTEMPTS = 10;
export const WARN_WHEN_LEFT = 3; // from here on, the lock screen says what a wipe would destroy
export const MIN_LENGTH = 6;
export const IDLE_CHOICES = [1, 2, 5, 10, 15]; // minutes
export const DEFAULT_IDLE_MINUTES = 5;

export async function exists() {
  return Boolean(await store.getMeta("vault"));
}

export function passcodeProblem(passcode, again) {
  if (passcode.length < MIN_LENGTH) return `Use at least ${MIN_LENGTH} characters.`;
  if (again !== undefined && passcode !== again) return "The two passcodes are not the same.";
  return null;
}

/** First sign-in on this device: a new data key, wrapped under the new passcode. */
export async function create(passcode) {
  const { record, key } = await createVault(passcode);
  await store.setMeta("vault", record);
  await store.setMeta("failedUnlocks", 0);
  store.useKey(key);
  await store.sealLegacy();
}

/**
 * Tries a passcode. Returns {ok: true}, {ok: false, left} or {wiped: true}.
 * The failure is counted before the slow check runs, so closing the page mid-check does not
 * win a free guess; a right passcode resets the count.
 */
export async function unlock(passcode) {
  const record = await store.getMeta("vault");
  const failed = ((await store.getMeta("failedUnlocks")) || 0) + 1;
  await store.setMeta("failedUnlocks", failed);
  let key;
  try {
    key = await openVault(record, passcode);
  } catch (error) {
    if (!(error instanceof WrongPasscode)) throw error;
    if (failed >= MAX_ATTEMPTS) {
      await store.wipe();
      return { wiped: true };
    }
    return { ok: false, left: MAX_ATTEMPTS - failed };
  }
  await store.setMeta("failedUnlocks", 0);
  store.useKey(key);
  await store.sealLegacy();
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
