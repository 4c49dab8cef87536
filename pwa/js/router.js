// Routing: every page is drawn from the one shell document, so any URL opens offline. Pages
// that show personal data open only once the session lock (session-lock.js, which plugs in
// through guardWith) has the data key in memory.
import * as api from "./api.js";
import { can, READ_QUEUE } from "./capabilities.js";
import { replace } from "./dom.js";
import { findRoute } from "./routes.js";
import { state } from "./session-state.js";
import * as store from "./store.js";
import { sessionEndedNotice } from "./views/lock.js";

export const main = document.getElementById("main");
const leaving = []; // what the page on screen does when another replaces it
let painted = false;
let behindLock = null; // preloads the page waiting behind the lock screen
let drawn = null;
// Resolves once the first screen (often the lock) is built: focusHeading() says so.
export const firstScreen = new Promise((resolve) => { drawn = resolve; });
// The session lock: unlock() shows the passcode screen and says whether the key is in
// memory; tools are what a page may ask of it (wipe, lock, setUser, setIdleMinutes).
let guard = { unlock: async () => store.isUnlocked(), tools: {} };

export function guardWith(unlock, tools) {
  guard = { unlock, tools };
}

export function navigate(path, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  return route();
}

/** The page on screen is done: its listeners and timers stop. */
export function leavePage() {
  for (const leave of leaving.splice(0)) leave();
}

/** While the passcode is checked, the page waiting behind the lock loads. */
export function preloadBehindLock() {
  behindLock?.();
}

export async function route() {
  leavePage();
  const { pathname } = window.location;
  const match = findRoute(pathname);
  updateNav(pathname);
  if (!match) return notFound();
  const [groups, view, opts] = match;
  // A page behind the lock loads while the passcode is checked: the key derivation keeps
  // another thread busy for a tenth of a second or more and leaves this one free. Loaded
  // before, it held the lock screen back; loaded while the passcode is typed, it made typing
  // wait.
  if (opts.public || store.isUnlocked()) view.preload(groups.slice(1));
  else behindLock = () => view.preload(groups.slice(1));
  if (!opts.public) {
    // Remembered so that signing in goes on to where the user was going (an alert's concern).
    if (!state.user && !state.signedIn) { state.returnTo = pathname; return navigate("/login", { replace: true }); }
    if (!store.isUnlocked() && !(await guard.unlock())) return;
    if (!state.user) { state.returnTo = pathname; return navigate("/login", { replace: true }); }
    if (window.location.pathname !== pathname) return; // moved on while the lock was shown
  }
  if (opts.capability && !can(state.user, opts.capability)) return navigate("/", { replace: true });
  const ctx = {
    user: state.user, params: groups.slice(1), navigate, notice: state.notice,
    onLeave: (fn) => leaving.push(fn),
    ...guard.tools,
    signInAgain: async () => {
      state.notice = await sessionEndedNotice();
      state.user = null; state.signedIn = false; return navigate("/login");
    },
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

export function focusHeading() {
  // Move focus to the new page's heading so screen readers announce the page change,
  // unless the URL names a paragraph (the reader focuses that itself).
  drawn?.(); // the first screen is there: the service worker may be registered
  if (window.location.hash) return;
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · SafeVisit` : "SafeVisit";
  if (!heading) return;
  const focus = () => {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  };
  if (painted) {
    focus();
    window.scrollTo(0, 0);
    return;
  }
  // The first page of a start: focusing forces a layout, which would make the page's drawing
  // and its layout one long task that blocks the phone. After the first paint the layout is
  // done; the page opened at the top, and focus the user has moved stays put.
  painted = true;
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

export function updateNav(pathname) {
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

/** Links within the app route in place; the back button routes too. */
export function interceptLinks() {
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
