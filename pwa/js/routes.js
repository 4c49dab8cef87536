// Every page of the app: its address, the module that draws it and who may open it.
import {
  ALL_TEAMS, ISSUE_SETUP_CODES, MANAGE_PEOPLE, MANAGE_ROTA, MANAGE_SSO, READ_QUEUE, TWO_STEP_SIGN_IN, WRITE_CONCERNS,
} from "./capabilities.js";
import { h, replace } from "./dom.js";

// A page's module loads when it is first routed to, so a start fetches and compiles only what
// its own screen draws, keeping the offline start and the first load fast. The service worker
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
// The server answers a reload of any of these addresses with the shell (backend/pwa/views.py
// PAGES; tests/test_pwa_shell.py checks the two agree).
const ROUTES = [
  [/^\/login$/, lazy(() => import("./views/login.js")), { public: true }],
  [/^\/$/, lazy(() => import("./views/home.js"))],
  [/^\/checklist\/new$/, lazy(() => import("./views/checklist.js"), "start")],
  [/^\/checklist\/([0-9a-f-]{36})$/, lazy(() => import("./views/checklist.js"))],
  [/^\/my-concerns\/([0-9a-f-]{36})$/, lazy(() => import("./views/sent.js")), { capability: WRITE_CONCERNS, server: true }],
  [/^\/procedure$/, lazy(() => import("./views/reader.js")), { public: true }],
  [/^\/queue$/, lazy(() => import("./views/queue.js")), { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)$/, lazy(() => import("./views/concern.js")), { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)\/pack$/, lazy(() => import("./views/pack.js")), { capability: READ_QUEUE, server: true }],
  [/^\/concerns\/([\w-]+)\/versions$/, lazy(() => import("./views/versions.js")), { capability: READ_QUEUE, server: true }],
  [/^\/cases\/([^/]+)\/chronology$/, lazy(() => import("./views/chronology.js")), { capability: READ_QUEUE, server: true }],
  [/^\/procedure\/decides$/, lazy(() => import("./views/decides.js")), { public: true }],
  [/^\/rechecks$/, lazy(() => import("./views/rechecks.js")), { capability: READ_QUEUE, server: true }],
  [/^\/on-call$/, lazy(() => import("./views/rota.js")), { capability: MANAGE_ROTA, server: true }],
  // Getting in, and the admin console.
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
  [/^\/admin\/records$/, lazy(() => import("./views/admin-records.js")), { capability: MANAGE_PEOPLE, server: true }],
  // The alert jobs of every team: the capability GET /api/push/jobs asks for.
  [/^\/admin\/alerts$/, lazy(() => import("./views/admin-alerts.js")), { capability: ALL_TEAMS, server: true }],
  [/^\/login\/organisation$/, lazy(() => import("./views/organisation.js")), { public: true }],
  [/^\/admin\/single-sign-on$/, lazy(() => import("./views/sso-mapping.js")), { capability: MANAGE_SSO, server: true }],
];

/** The page at `pathname`: [the regexp's groups, its view, its options], or undefined. */
export function findRoute(pathname) {
  for (const [re, view, opts] of ROUTES) {
    const groups = pathname.match(re);
    if (groups) return [groups, view, opts || {}];
  }
  return undefined;
}

/** Whether the page at `pathname` shows what only the server has. */
export const showsServerData = (pathname) => ROUTES.some(([re, , opts]) => opts?.server && re.test(pathname));
