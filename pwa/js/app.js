// Start-up, routing and the lock. Every page is drawn from the one shell document, so any
// URL opens offline; the user is remembered on the device after one online sign-in; pages
// that show personal data open only once the passcode has put the data key in memory.
import * as alerts from "./alerts.js";
import * as api from "./api.js";
import { can, ISSUE_SETUP_CODES, MANAGE_PEOPLE, MANAGE_ROTA, MANAGE_SSO, READ_QUEUE, TWO_STEP_SIGN_IN } from "./capabilities.js";
import { announce, replace } from "./dom.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { register } from "./update.js";
import * as vault from "./vault.js";
import * as admin from "./views/admin.js";
import * as adminAudit from "./views/admin-audit.js";
import * as adminPeople from "./views/admin-people.js";
import * as adminPerson from "./views/admin-person.js";
import * as adminTeams from "./views/admin-teams.js";
import * as checklist from "./views/checklist.js";
import * as chronology from "./views/chronology.js";
import * as concern from "./views/concern.js";
import * as decides from "./views/decides.js";
import * as home from "./views/home.js";
import * as lock from "./views/lock.js";
import * as login from "./views/login.js";
import * as organisation from "./views/organisation.js";
import * as pack from "./views/pack.js";
import * as queue from "./views/queue.js";
import * as reader from "./views/reader.js";
import * as rechecks from "./views/rechecks.js";
import * as rota from "./views/rota.js";
import * as setupCode from "./views/setup-code.js";
import * as teamCodes from "./views/team-codes.js";
import * as twoStep from "./views/two-step.js";
import * as ssoMapping from "./views/sso-mapping.js";

// Where a tapped notification may send the app: the queue or a concern (optionally to
// acknowledge it, from the notification's Acknowledge action).
const ROUTABLE = /^\/(queue|concerns\/[A-Za-z0-9_-]{1,64}(\?acknowledge=1)?)$/;
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
const main = document.getElementById("main");
// signedIn: someone is signed in on this device, though their profile may still be locked.
const state = { user: null, signedIn: false, leave: [], notice: null, gate: null, idle: null, started: false,
  keepAlive: null };

// server: the page shows what only the server has (no offline copy), so a lapsed session or
// key sends the user to sign in and back, rather than letting them carry on offline-style.
const ROUTES = [
  [/^\/login$/, login.render, { public: true }],
  [/^\/$/, home.render],
  [/^\/checklist\/new$/, checklist.start],
  [/^\/checklist\/([0-9a-f-]{36})$/, checklist.render],
  [/^\/procedure$/, reader.render, { public: true }],
  [/^\/queue$/, queue.render, { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)$/, concern.render, { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)\/pack$/, pack.render, { capability: READ_QUEUE, server: true }],
  [/^\/cases\/([^/]+)\/chronology$/, chronology.render, { capability: READ_QUEUE, server: true }],
  [/^\/procedure\/decides$/, decides.render, { public: true }],
  [/^\/rechecks$/, rechecks.render, { capability: READ_QUEUE, server: true }],
  [/^\/on-call$/, rota.render, { capability: MANAGE_ROTA, server: true }],
  // Getting in and the admin console (issue 13).
  [/^\/setup-code$/, setupCode.render, { public: true }],
  [/^\/two-step$/, twoStep.render, { capability: TWO_STEP_SIGN_IN, server: true }],
  [/^\/team$/, teamCodes.render, { capability: ISSUE_SETUP_CODES, server: true }],
  [/^\/admin$/, admin.render, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/people$/, adminPeople.render, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/people\/new$/, adminPeople.renderNew, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/people\/(\d{1,10})$/, adminPerson.render, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/teams$/, adminTeams.render, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/teams\/(\d{1,10})$/, adminTeams.renderOne, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/audit$/, adminAudit.render, { capability: MANAGE_PEOPLE, server: true }],
  [/^\/login\/organisation$/, organisation.render, { public: true }],
  [/^\/admin\/single-sign-on$/, ssoMapping.render, { capability: MANAGE_SSO, server: true }],
];

export function navigate(path, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  return route();
}

async function route() {
  for (const leave of state.leave.splice(0)) leave();
  const { pathname } = window.location;
  const match = ROUTES.map(([re, view, opts]) => [pathname.match(re), view, opts || {}])
    .find(([m]) => m);
  updateNav(pathname);
  if (!match) return notFound();
  const [groups, view, opts] = match;
  if (!opts.public) {
    // Remembered so that signing in goes on to where the user was going (an alert's concern).
    if (!state.user && !state.signedIn) { state.returnTo = pathname; return navigate("/login", { replace: true }); }
    if (!store.isUnlocked() && !(await (state.gate ||= gate().finally(() => { state.gate = null; })))) return;
    if (!state.user) { state.returnTo = pathname; return navigate("/login", { replace: true }); }
    if (window.location.pathname !== pathname) return; // moved on while the lock was shown
  }
  if (opts.capability && !can(state.user, opts.capability)) return navigate("/", { replace: true });
  const ctx = {
    user: state.user, params: groups.slice(1), navigate, notice: state.notice,
    onLeave: (fn) => state.leave.push(fn),
    setUser: (user) => {
      state.user = user; state.signedIn = Boolean(user); state.notice = null;
      // A new sign-in retired the wiped session's key on the server already; ending "all
      // sessions" at the next start would now end this one.
      if (user) localStorage.removeItem(REVOKE_PENDING);
    },
    wipe: wipeDevice, setIdleMinutes, lock: () => lockNow("SafeVisit is locked."),
    signInAgain: () => { state.user = null; state.signedIn = false; return navigate("/login"); },
    takeReturnTo: () => { const path = state.returnTo || "/"; state.returnTo = null; return path; },
  };
  try {
    await view(main, ctx);
  } catch (error) {
    // A 401 has already sent the user to sign in (onSignInNeeded, onSessionEnded).
    if (error instanceof api.ApiError && error.status === 401) return;
    throw error;
  }
  focusHeading();
}

/** The passcode screen (set or unlock); true once the data key is in memory. */
async function gate() {
  document.getElementById("tabbar").hidden = true;
  const screen = (await vault.exists()) ? lock.unlock(main) : lock.setPasscode(main).then(() => "unlocked");
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
  if (state.user) await store.setSecret("user", state.user);
  else state.user = (await store.getSecret("user")) || null;
  if (api.heldDeviceKey()) await store.setSecret("deviceKey", api.heldDeviceKey());
  else api.useDeviceKey(await store.getSecret("deviceKey"));
  keepAlive();
  if (!state.user) state.signedIn = false;
  updateNav(window.location.pathname);
  state.idle = vault.watchIdle(() => lockNow());
  store.askToPersist().catch((error) => console.warn("persistent storage not granted", error));
  store.pruneSent(SENT_KEPT_MS).catch((error) => console.warn("could not prune sent drafts", error));
  await sync.loadLastSync();
  sync.flush({ ignoreBackoff: true });
  return true;
}

/** Idle for too long (or "Lock now"): forget the keys (after every pending write) and show the lock. */
async function lockNow(message = "SafeVisit locked itself after a while without use.") {
  state.idle?.stop();
  state.idle = null;
  document.activeElement?.blur?.(); // commits a field that saves on change
  await store.idle();
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  for (const leave of state.leave.splice(0)) leave();
  store.forgetKey();
  api.forgetDeviceKey(); // locked: no request can reach personal data on the server
  stopKeepAlive();
  state.user = null; // the profile too; it comes back from the encrypted copy on unlock
  replace(main);
  announce(message);
  await route();
}

/** Sign-out, too many wrong passcodes, or a revoked account: forget everything. */
async function wipeDevice(reason) {
  state.idle?.stop();
  state.idle = null;
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
  state.keepAlive = setInterval(() => {
    if (navigator.onLine && store.isUnlocked()) api.session().catch(() => {});
  }, KEEP_ALIVE_MS);
}

function stopKeepAlive() {
  clearInterval(state.keepAlive);
  state.keepAlive = null;
}

/** A wipe at the lock screen happened offline: end that session now that there is a server. */
async function revokePending() {
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
async function onSignInNeeded(code) {
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
  if (!ROUTES.some(([re, , opts]) => opts?.server && re.test(pathname))) return;
  state.user = null;
  state.signedIn = false;
  state.returnTo = pathname;
  state.notice = "Sign in again to carry on. Everything on this phone is kept.";
  await navigate("/login", { replace: true });
}

function setIdleMinutes(minutes) {
  state.idle?.setLimit(minutes);
  return vault.setIdleMinutes(minutes);
}

function focusHeading() {
  // Move focus to the new page's heading so screen readers announce the page change,
  // unless the URL names a paragraph (the reader focuses that itself).
  if (window.location.hash) return;
  const heading = main.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  document.title = heading ? `${heading.textContent} · SafeVisit` : "SafeVisit";
}

function notFound() {
  replace(main, document.createElement("h1"));
  main.querySelector("h1").textContent = "Page not found";
  focusHeading();
}

function updateNav(pathname) {
  const nav = document.getElementById("tabbar");
  nav.hidden = !state.user;
  for (const link of nav.querySelectorAll("a")) {
    const target = link.getAttribute("href");
    const current = target === "/" ? pathname === "/" || pathname.startsWith("/checklist")
      : pathname.startsWith(target) || (target === "/queue" && pathname.startsWith("/concerns"));
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
    if (link.dataset.managers !== undefined) link.hidden = !can(state.user, READ_QUEUE);
  }
}

function interceptLinks() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    // A download (the audit log's CSV, from a blob: URL of this origin) is not a page of the app.
    if (!link || link.hasAttribute("download") || event.defaultPrevented || event.button !== 0 || link.target ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith("/api/")) return;
    event.preventDefault();
    if (url.pathname === window.location.pathname && url.hash) {
      history.pushState(null, "", url.pathname + url.hash);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      return;
    }
    navigate(url.pathname + url.hash);
  });
  window.addEventListener("popstate", route);
}

function showNetwork() {
  const badge = document.getElementById("network");
  const online = navigator.onLine;
  badge.textContent = online ? "Online" : "Offline";
  badge.classList.toggle("is-offline", !online);
}

/** Who the server says is signed in; offline, whether someone signed in on this device. */
async function loadUser() {
  const owner = await store.getMeta("owner");
  let session;
  try {
    session = await api.session();
  } catch (error) {
    // Offline (or the server is unreachable): the device's sign-in stands.
    if (error instanceof api.NetworkError || error.status >= 500) {
      state.signedIn = owner !== undefined;
      return;
    }
    throw error;
  }
  if (session.ended) return; // wiped by onSessionEnded
  // A session on a device that keeps no sign-in (wiped at the lock screen while offline,
  // so the cookie survived) does not count: the password is asked for again.
  let user = owner === undefined ? null : session.user;
  if (user && owner !== user.id) {
    await wipeDevice(); // someone else's session: their data never meets this one's
    user = null;
  }
  state.user = user;
  state.signedIn = Boolean(user);
}

// Every message from the service worker comes through here, by type.
const WORKER_MESSAGES = {
  // Background Sync fired in the service worker: it cannot read the outbox, we can. Backoff
  // still holds: the `online` event is the fresh chance after a lost connection.
  flush: () => sync.flush(),
  // A notification was tapped: route in place, as a link tap would, so an unlocked app
  // stays unlocked and a locked one asks for the passcode first.
  open: ({ path }) => {
    if (!ROUTABLE.test(path || "")) return;
    history.pushState(null, "", path);
    route();
  },
  // The worker could not post a replaced push subscription itself.
  "push-resubscribe": ({ replaces }) => alerts.resubscribe(replaces),
  // A push arrived: open screens that list concerns refresh (views/queue.js, concern.js).
  alert: ({ concern: id }) => window.dispatchEvent(new CustomEvent("safevisit:alert", { detail: { concern: id } })),
};

function onWorkerMessage(event) {
  const type = event.data?.type;
  if (typeof type === "string" && Object.hasOwn(WORKER_MESSAGES, type)) WORKER_MESSAGES[type](event.data);
}

async function onSessionEnded(code) {
  await wipeDevice(code);
  if (state.started) await navigate("/login", { replace: true });
}

async function start() {
  showNetwork();
  window.addEventListener("online", () => {
    showNetwork();
    announce("Back online.");
    sync.flush({ ignoreBackoff: true });
  });
  window.addEventListener("offline", () => { showNetwork(); announce("You are offline. Answers are still saved on this phone."); });
  navigator.serviceWorker?.addEventListener("message", onWorkerMessage);
  api.whenSessionEnded(onSessionEnded);
  api.whenSignInNeeded(onSignInNeeded);
  interceptLinks();
  // Before the worker is registered: ending the session clears the site's storage
  // (Clear-Site-Data), service worker registrations included.
  await revokePending();
  register().catch((error) => console.warn("service worker not registered", error));
  await loadUser();
  alerts.start(state.user); // a manager with alerts on re-posts the subscription on every open
  state.started = true;
  await route();
}

start();
