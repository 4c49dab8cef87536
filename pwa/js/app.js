// Start-up, routing and the lock. Every page is drawn from the one shell document, so any
// URL opens offline; the user is remembered on the device after one online sign-in; pages
// that show personal data open only once the passcode has put the data key in memory.
import * as alerts from "./alerts.js";
import * as api from "./api.js";
import { can, ISSUE_SETUP_CODES, MANAGE_PEOPLE, MANAGE_ROTA, MANAGE_SSO, READ_QUEUE, TWO_STEP_SIGN_IN } from "./capabilities.js";
import { announce, h, replace } from "./dom.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { register } from "./update.js";
import * as vault from "./vault.js";
import * as lock from "./views/lock.js";

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
const FIRST_SCREEN_WAIT_MS = 3000; // the service worker is registered by then at the latest
// Set when a wipe at the lock screen could not reach the server (offline): the next start
// ends the server session then, so the surviving cookie and key are worthless from that contact.
const REVOKE_PENDING = "safevisit-revoke-session";
const main = document.getElementById("main");
// signedIn: someone is signed in on this device, though their profile may still be locked.
const state = { user: null, signedIn: false, leave: [], notice: null, gate: null, idle: null, started: false,
  keepAlive: null, painted: false, drawn: null, behindLock: null };
// Resolves once the first screen (often the lock) is built: focusHeading() says so.
const firstScreen = new Promise((resolve) => { state.drawn = resolve; });

// A page's module loads when it is first routed to, so a start fetches and compiles only what
// its own screen draws (issue 15: the offline start and the first load). The service worker
// precaches every module, so a page not yet opened still opens offline.
function lazy(load, name = "render") {
  const view = async (main, ctx) => {
    let module;
    try {
      module = await load();
    } catch (error) {
      console.warn("page module not loaded", error);
      replace(main, h("div", { class: "page" }, h("h1", {}, "This page could not be opened"),
        h("p", {}, "SafeVisit could not load this page. Check the connection, then try again."),
        // A reload, because a module that failed to load stays failed in this document.
        h("button", { type: "button", class: "btn", onclick: () => window.location.reload() }, "Try again")));
      return;
    }
    await module[name](main, ctx);
  };
  // A page module may export prepare(params): reading ahead what its page will need, such
  // as public data that the key does not guard.
  view.preload = (params) => load().then((module) => module.prepare?.(params)).catch(() => {});
  return view;
}

// server: the page shows what only the server has (no offline copy), so a lapsed session or
// key sends the user to sign in and back, rather than letting them carry on offline-style.
const ROUTES = [
  [/^\/login$/, lazy(() => import("./views/login.js")), { public: true }],
  [/^\/$/, lazy(() => import("./views/home.js"))],
  [/^\/checklist\/new$/, lazy(() => import("./views/checklist.js"), "start")],
  [/^\/checklist\/([0-9a-f-]{36})$/, lazy(() => import("./views/checklist.js"))],
  [/^\/procedure$/, lazy(() => import("./views/reader.js")), { public: true }],
  [/^\/queue$/, lazy(() => import("./views/queue.js")), { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)$/, lazy(() => import("./views/concern.js")), { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)\/pack$/, lazy(() => import("./views/pack.js")), { capability: READ_QUEUE, server: true }],
  [/^\/cases\/([^/]+)\/chronology$/, lazy(() => import("./views/chronology.js")), { capability: READ_QUEUE, server: true }],
  [/^\/procedure\/decides$/, lazy(() => import("./views/decides.js")), { public: true }],
  [/^\/rechecks$/, lazy(() => import("./views/rechecks.js")), { capability: READ_QUEUE, server: true }],
  [/^\/on-call$/, lazy(() => import("./views/rota.js")), { capability: MANAGE_ROTA, server: true }],
  // Getting in and the admin console (issue 13).
  [/^\/setup-code$/, lazy(() => import("./views/setup-code.js")), { public: true }],
  [/^\/two-step$/, lazy(() => import("./views/two-step.js")), { capability: TWO_STEP_SIGN_IN, server: true }],
  [/^\/team$/, lazy(() => import("./views/team-codes.js")), { capability: ISSUE_SETUP_CODES, server: true }],
  [/^\/admin$/, lazy(() => import("./views/admin.js")), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/people$/, lazy(() => import("./views/admin-people.js")), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/people\/new$/, lazy(() => import("./views/admin-people.js"), "renderNew"), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/people\/(\d{1,10})$/, lazy(() => import("./views/admin-person.js")), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/teams$/, lazy(() => import("./views/admin-teams.js")), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/teams\/(\d{1,10})$/, lazy(() => import("./views/admin-teams.js"), "renderOne"), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/admin\/audit$/, lazy(() => import("./views/admin-audit.js")), { capability: MANAGE_PEOPLE, server: true }],
  [/^\/login\/organisation$/, lazy(() => import("./views/organisation.js")), { public: true }],
  [/^\/admin\/single-sign-on$/, lazy(() => import("./views/sso-mapping.js")), { capability: MANAGE_SSO, server: true }],
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
  // A page behind the lock loads while the passcode is checked: the key derivation keeps
  // another thread busy for a tenth of a second or more and leaves this one free. Loaded
  // before, it held the lock screen back; loaded while the passcode is typed, it made typing
  // wait (issue 15).
  if (opts.public || store.isUnlocked()) view.preload(groups.slice(1));
  else state.behindLock = () => view.preload(groups.slice(1));
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
  const checking = () => state.behindLock?.();
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
  if (!api.heldDeviceKey()) api.useDeviceKey(deviceKey);
  keepAlive();
  if (!state.user) state.signedIn = false;
  updateNav(window.location.pathname);
  state.idle = vault.watchIdle(() => lockNow());
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

/**
 * The service worker is registered once the first screen is drawn (or after a few seconds at
 * most) and the phone is idle: its first install downloads and compiles the whole shell, which
 * would otherwise compete with the first screen for a slow phone's processor (issue 15).
 */
function registerWhenDrawn() {
  const atMost = new Promise((resolve) => { setTimeout(resolve, FIRST_SCREEN_WAIT_MS); });
  Promise.race([firstScreen, atMost])
    .then(() => new Promise((resolve) => { whenIdle(resolve); }))
    .then(register)
    .catch((error) => console.warn("service worker not registered", error));
}

/** Runs `work` once the phone is idle (within a second at most). */
function whenIdle(work) {
  if (window.requestIdleCallback) requestIdleCallback(() => work(), { timeout: 1000 });
  else setTimeout(work, 200);
}

function focusHeading() {
  // Move focus to the new page's heading so screen readers announce the page change,
  // unless the URL names a paragraph (the reader focuses that itself).
  state.drawn?.(); // the first screen is there: the service worker may be registered
  if (window.location.hash) return;
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · SafeVisit` : "SafeVisit";
  if (!heading) return;
  const focus = () => {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  };
  if (state.painted) {
    focus();
    window.scrollTo(0, 0);
    return;
  }
  // The first page of a start: focusing forces a layout, which would make the page's drawing
  // and its layout one long task that blocks the phone (issue 15). After the first paint the
  // layout is done; the page opened at the top, and focus the user has moved stays put.
  state.painted = true;
  const before = document.activeElement;
  requestAnimationFrame(() => setTimeout(() => {
    if (heading.isConnected && document.activeElement === before) focus();
  }));
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
  // Together: opening the device's database and asking the server take about as long.
  const [stored, asked] = await Promise.allSettled([store.getMeta("owner"), api.session()]);
  // An ended session has wiped the device (onSessionEnded, awaited by api.session) by now.
  if (asked.status === "fulfilled" && asked.value.ended) return;
  if (stored.status === "rejected") throw stored.reason;
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
  // A public page's module starts loading now, while the user is worked out (a page behind the
  // lock waits for the passcode check: route()).
  const first = ROUTES.find(([re]) => re.test(window.location.pathname));
  if (first?.[2]?.public) first[1].preload();
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
  registerWhenDrawn();
  await loadUser();
  alerts.start(state.user); // a manager with alerts on re-posts the subscription on every open
  state.started = true;
  await route();
}

start();
