// Start-up and routing. Every page is drawn from the one shell document, so any URL opens
// offline; the user is remembered on the device after one online sign-in.
import * as api from "./api.js";
import { announce, replace } from "./dom.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { register } from "./update.js";
import * as checklist from "./views/checklist.js";
import * as home from "./views/home.js";
import * as login from "./views/login.js";
import * as queue from "./views/queue.js";
import * as reader from "./views/reader.js";

const MANAGERS = new Set(["duty_manager", "admin"]);
const main = document.getElementById("main");
const state = { user: null, leave: [] };

const ROUTES = [
  [/^\/login$/, login.render, { public: true }],
  [/^\/$/, home.render],
  [/^\/checklist\/new$/, checklist.start],
  [/^\/checklist\/([0-9a-f-]{36})$/, checklist.render],
  [/^\/procedure$/, reader.render, { public: true }],
  [/^\/queue$/, queue.renderQueue, { managers: true }],
  [/^\/concerns\/([\w-]+)$/, queue.renderConcern, { managers: true }],
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
  if (!opts.public && !state.user) return navigate("/login", { replace: true });
  if (opts.managers && !MANAGERS.has(state.user.role)) return navigate("/", { replace: true });
  const ctx = {
    user: state.user, params: groups.slice(1), navigate, managers: MANAGERS,
    onLeave: (fn) => state.leave.push(fn),
    setUser: (user) => { state.user = user; },
  };
  await view(main, ctx);
  focusHeading();
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
    if (link.dataset.managers !== undefined) link.hidden = !MANAGERS.has(state.user?.role);
  }
}

function interceptLinks() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || link.target ||
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

async function loadUser() {
  const cached = (await store.getMeta("user")) || null;
  try {
    const { user } = await api.session();
    await store.setMeta("user", user);
    return user;
  } catch (error) {
    // Offline (or the server is unreachable): the device's copy of the sign-in stands.
    if (error instanceof api.NetworkError || error.status >= 500) return cached;
    throw error;
  }
}

async function start() {
  showNetwork();
  window.addEventListener("online", () => {
    showNetwork();
    announce("Back online.");
    sync.flush();
  });
  window.addEventListener("offline", () => { showNetwork(); announce("You are offline. Answers are still saved on this phone."); });
  interceptLinks();
  register().catch((error) => console.warn("service worker not registered", error));
  state.user = await loadUser();
  await route();
  if (state.user) sync.flush();
}

start();
