// The service worker's fetch rules (pwa/sw.js), run in a VM context with a fake worker scope:
// personal data from the server never reaches the Cache API. In particular the admin
// console's answers, the subject access exports and legal holds among them, go to the
// network untouched (the worker does not answer them, so nothing can store them).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../sw.js", import.meta.url), "utf8");
const ORIGIN = "https://safevisit.example";
const ASSETS = ["/index.html", "/js/app.js", "/js/views/admin-records.js", "/css/app.css"];

function worker() {
  const listeners = {};
  const stored = [];
  const cache = {
    match: async () => undefined,
    put: async (key) => { stored.push(String(key.url || key)); },
    addAll: async (keys) => { stored.push(...keys.map((k) => String(k.url || k))); },
  };
  const scope = {
    SHELL_VERSION: "test", SHELL_ASSETS: ASSETS,
    importScripts: () => {},
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type, fn) => { listeners[type] = fn; },
    caches: { open: async () => cache, match: async () => undefined, keys: async () => [], delete: async () => true },
    fetch: async () => ({ ok: true, status: 200, clone() { return this; }, headers: new Headers() }),
    clients: { matchAll: async () => [], claim: async () => {} },
    Headers, Request, Response, URL,
  };
  scope.self = scope;
  vm.runInNewContext(SOURCE, scope);
  /** Whether the worker answers a GET of `path` (mode `mode`) itself. */
  const answers = async (path, mode = "cors") => {
    let responded = null;
    listeners.fetch({ request: { method: "GET", url: `${ORIGIN}${path}`, mode }, respondWith: (p) => { responded = p; } });
    if (responded) await responded;
    return responded !== null;
  };
  return { answers, stored };
}

test("the subject access exports and legal holds go to the network untouched, never to a cache", async () => {
  const sw = worker();
  for (const path of ["/api/admin/people/12/export", "/api/admin/cases/CR-1234/export", "/api/admin/cases/CR%2F12/export",
    "/api/admin/concerns/5b0e6a3e-8d7c-4f1e-9d3b-2a1c0f9e8d7c/legal-hold", "/api/admin/people/12", "/api/admin/audit.csv"]) {
    assert.equal(await sw.answers(path), false, path);
    assert.equal(await sw.answers(path, "navigate"), false, `${path} as a navigation`);
  }
  assert.deepEqual(sw.stored, []);
});

test("the shell and the public procedure are still the worker's to answer", async () => {
  const sw = worker();
  assert.equal(await sw.answers("/js/views/admin-records.js"), true);
  assert.equal(await sw.answers("/admin/records", "navigate"), true); // the shell page, from the cache
  assert.equal(await sw.answers("/api/procedures/child-abuse-and-the-internet"), true);
  assert.deepEqual(sw.stored, ["/api/procedures/child-abuse-and-the-internet"]); // public text only
});
