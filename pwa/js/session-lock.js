// The session on this device: the passcode gate, locking after a while without use, the
// wipe, and keeping the server session alive while the app is in use. The user is remembered
// on the device after one online sign-in; the data key is in memory only while unlocked.
import * as alerts from "./alerts.js";
import * as api from "./api.js";
import { announce, replace, whenIdle } from "./dom.js";
import { focusHeading, leavePage, main, navigate, preloadBehindLock, route, updateNav } from "./router.js";
import { showsServerData } from "./routes.js";
import { state } from "./session-state.js";
import { recallRoleNames, rememberRoleNames } from "./signed-in.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import * as vault from "./vault.js";
import * as lock from "./views/lock.js";

const SENT_KEPT_MS = 7 * 24 * 3600 * 1000; // "sent" stays on the home screen for a week
const ENDED_NOTICE = {
  session_ended: "You were signed out on another device or by an administrator, so SafeVisit removed its data from this phone.",
  account_deactivated: "This account has been deactivated, so SafeVisit removed its data from this phone.",
  wiped: "SafeVisit's data was removed from this phone. Sign in to start again.",
};
// While unlocked and online the app tells the server it is in use, so the session's idle
// lifetime (at most the longest lock, 15 minutes) runs from the lock, not from the last sync.
const KEEP_ALIVE_MS = 4 * 60_000;
// Set when a wipe at the lock screen could not reach the server (offline): the next start
// ends the server session then, so the surviving cookie and key are worthless from that contact.
const REVOKE_PENDING = "safevisit-revoke-session";
let gating = null; // the passcode screen on show, so two routes share it
let idle = null; // the idle timer while unlocked
let keepAliveTimer = null;

/** The passcode screen, once however many pages ask; true once the data key is in memory. */
export function unlock() {
  gating ||= gate().finally(() => { gating = null; });
  return gating;
}

/** What a page may ask of the session (the router hands these to every page). */
export const pageTools = {
  setUser: (user) => {
    state.user = user; state.signedIn = Boolean(user); state.notice = null;
    // A new sign-in retired the wiped session's key on the server already; ending "all
    // sessions" at the next start would now end this one.
    if (user) localStorage.removeItem(REVOKE_PENDING);
  },
  wipe: wipeDevice, setIdleMinutes, lock: () => lockNow("SafeVisit is locked."),
};

/** The passcode screen (set or unlock); true once the data key is in memory. */
async function gate() {
  document.getElementById("tabbar").hidden = true;
  const checking = preloadBehindLock;
  const screen = (await vault.exists()) ? lock.unlock(main, { checking })
    : lock.setPasscode(main, { checking }).then(() => "unlocked");
  focusHeading();
  if ((await screen) === "wiped") {
    // The server session must not outlive the data: whoever holds the phone signs in afresh.
    // Offline, the key went with the vault, and the session is ended at the next contact.
    await api.ensureCsrf().then(api.logout).catch((error) => {
      if (error instanceof api.NetworkError || error.status >= 500) localStorage.setItem(REVOKE_PENDING, "1");
    });
    await wipeDevice("wiped");
    await navigate("/login", { replace: true });
    return false;
  }
  // The profile is kept encrypted; a fresh one from the server replaces it. So is the device
  // key: one just issued by a sign-in is sealed now, else the vault's goes back into use.
  // Independent reads and writes, so they go together.
  const [user, deviceKey] = await Promise.all([
    state.user ? store.setSecret("user", state.user).then(() => state.user) : store.getSecret("user"),
    api.heldDeviceKey() ? store.setSecret("deviceKey", api.heldDeviceKey()).then(() => null) : store.getSecret("deviceKey"),
    sync.loadLastSync(),
  ]);
  state.user = user || null;
  // The lock screen's emergency call reads these without the key (views/lock.js).
  lock.keepTeamNumbers(state.user).catch((error) => console.warn("team numbers not kept", error));
  if (!api.heldDeviceKey()) api.useDeviceKey(deviceKey);
  keepAlive();
  if (!state.user) state.signedIn = false;
  updateNav(window.location.pathname);
  idle = vault.watchIdle(() => lockNow());
  // Housekeeping waits until the page behind the lock is drawn and the phone is idle.
  whenIdle(() => {
    store.askToPersist().catch((error) => console.warn("persistent storage not granted", error));
    store.pruneSent(SENT_KEPT_MS).catch((error) => console.warn("could not prune sent drafts", error));
  });
  sync.flush({ ignoreBackoff: true });
  return true;
}

/** Idle for too long (or "Lock now"): forget the keys (after every pending write) and show the lock. */
async function lockNow(message = "SafeVisit locked itself after a while without use.") {
  idle?.stop();
  idle = null;
  document.activeElement?.blur?.(); // commits a field that saves on change
  await store.idle();
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  leavePage();
  store.forgetKey();
  api.forgetDeviceKey(); // locked: no request can reach personal data on the server
  stopKeepAlive();
  state.user = null; // the profile too; it comes back from the encrypted copy on unlock
  replace(main);
  announce(message);
  await route();
}

/** Sign-out, too many wrong passcodes, or a revoked account: forget everything. */
export async function wipeDevice(reason) {
  idle?.stop();
  idle = null;
  await alerts.forget(); // push alerts stop coming to this browser for whoever it was
  api.forgetDeviceKey();
  stopKeepAlive();
  await store.wipe();
  sync.reset();
  state.user = null;
  state.signedIn = false;
  state.notice = ENDED_NOTICE[reason] || null;
}

function keepAlive() {
  stopKeepAlive();
  keepAliveTimer = setInterval(() => {
    if (navigator.onLine && store.isUnlocked()) api.session().catch(() => {});
  }, KEEP_ALIVE_MS);
}

function stopKeepAlive() {
  clearInterval(keepAliveTimer);
  keepAliveTimer = null;
}

/** A wipe at the lock screen happened offline: end that session now that there is a server. */
export async function revokePending() {
  if (!localStorage.getItem(REVOKE_PENDING)) return;
  try {
    await api.ensureCsrf();
    await api.logout();
  } catch (error) {
    if (error instanceof api.NetworkError || error.status >= 500) return; // next time
  }
  localStorage.removeItem(REVOKE_PENDING); // ended, or there was no session left to end
}

/**
 * The session expired, or the server wants a key this app does not hold. A page that shows
 * server data goes to sign-in (and back after); elsewhere the user carries on offline-style and
 * the outbox says "Sign in again" (sync.js pauses by itself), so typing is never interrupted.
 */
export async function onSignInNeeded(code) {
  if (!store.isUnlocked() || !state.started) return; // the lock screen or start-up deals with it
  if (code === "device_locked") {
    // Another tab of this app signed in again and sealed the new key into the shared vault.
    const sealed = await store.getSecret("deviceKey").catch(() => null);
    if (sealed && sealed !== api.heldDeviceKey()) {
      api.useDeviceKey(sealed);
      await route(); // the page again, with the key that counts now
      return;
    }
  }
  const { pathname } = window.location;
  if (!showsServerData(pathname)) return;
  state.user = null;
  state.signedIn = false;
  state.returnTo = pathname;
  state.notice = "Sign in again to carry on. Everything on this phone is kept.";
  await navigate("/login", { replace: true });
}

export async function onSessionEnded(code) {
  await wipeDevice(code);
  if (state.started) await navigate("/login", { replace: true });
}

function setIdleMinutes(minutes) {
  idle?.setLimit(minutes);
  return vault.setIdleMinutes(minutes);
}

/** Who the server says is signed in; offline, whether someone signed in on this device. */
export async function loadUser() {
  // Together: opening the device's database and asking the server take about as long.
  const [stored, asked] = await Promise.allSettled([store.getMeta("owner"), api.session(), recallRoleNames()]);
  // An ended session has wiped the device (onSessionEnded, awaited by api.session) by now.
  if (asked.status === "fulfilled" && asked.value.ended) return;
  if (stored.status === "rejected") throw stored.reason;
  if (asked.status === "fulfilled") {
    rememberRoleNames(asked.value.roles).catch((error) => console.warn("role names not kept", error));
  }
  const owner = stored.value;
  if (asked.status === "rejected") {
    const error = asked.reason;
    // Offline (or the server is unreachable): the device's sign-in stands.
    if (error instanceof api.NetworkError || error.status >= 500) {
      state.signedIn = owner !== undefined;
      return;
    }
    throw error;
  }
  const session = asked.value;
  // A session on a device that keeps no sign-in (wiped at the lock screen while offline,
  // so the cookie survived) does not count: the password is asked for again.
  let user = owner === undefined ? null : session.user;
  if (user && owner !== user.id) {
    await wipeDevice(); // someone else's session: their data never meets this one's
    user = null;
  } else if (!user && owner !== undefined) {
    // This phone keeps a sign-in the server no longer knows (the session's lifetime ran out):
    // not a first sign-in, and nothing on the phone is lost, so the sign-in page says so.
    state.notice = await lock.sessionEndedNotice();
  }
  state.user = user;
  state.signedIn = Boolean(user);
}
