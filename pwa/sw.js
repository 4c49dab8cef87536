/* SafeVisit service worker.
 *
 * Flask prepends SHELL_VERSION (a hash of every shipped file) and SHELL_ASSETS (their URLs)
 * when it serves this file (backend/pwa/shell.py), so a changed file means a new worker and
 * a new cache name, never a hand-bumped number.
 *
 * - The shell is precached and served cache-first; navigations fall back to /index.html.
 * - The procedure document is kept in its own cache and revalidated by ETag when online.
 * - A new worker waits until the page says so ("skip-waiting"), which it does only when the
 *   user taps "Reload" — so an update never lands under someone's half-typed answer.
 * - Only caches with our prefix are ever deleted; other apps on the origin keep theirs.
 */
/* global SHELL_VERSION, SHELL_ASSETS */
const PREFIX = "safevisit-";
const SHELL_CACHE = `${PREFIX}shell-${SHELL_VERSION}`;
// Not versioned with the shell: the document has its own ETag and outlives shell updates.
const PROCEDURE_CACHE = `${PREFIX}procedures`;
const EXPECTED = new Set([SHELL_CACHE, PROCEDURE_CACHE]);
const PROCEDURE_PATH = /^\/api\/procedures\/[a-z0-9-]+$/;
const PROCEDURES = ["/api/procedures/child-abuse-and-the-internet"];

// Push alerts: push, notificationclick and pushsubscriptionchange live in their
// own file; it is part of the hashed shell, so changing it also gives a new worker.
importScripts("/js/push-sw.js");

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // `reload` skips the HTTP cache so the stored bytes are the ones that were hashed.
    await cache.addAll(SHELL_ASSETS.map((url) => new Request(url, { cache: "reload" })));
    await Promise.all(PROCEDURES.map((url) => revalidate(new Request(url))));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !EXPECTED.has(name)) await caches.delete(name);
    }
    // The very first install controls the open page at once so it works offline on reload;
    // later versions only get here after the user chose to reload.
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
  if (event.data?.type === "version") event.source?.postMessage({ type: "version", version: SHELL_VERSION });
});

// Background Sync (Chromium only) wakes an open page to send the outbox. The worker cannot
// send it itself: the outbox is encrypted and the key lives only in an unlocked page's
// memory (SECURITY.md). With no page open the app sends on its next open instead.
const OUTBOX_TAG = "safevisit-outbox";
self.addEventListener("sync", (event) => {
  if (event.tag !== OUTBOX_TAG) return;
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage({ type: "flush" });
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (PROCEDURE_PATH.test(url.pathname)) {
    event.respondWith(revalidate(request));
  } else if (request.mode === "navigate" && !url.pathname.startsWith("/api/") && !url.pathname.startsWith("/auth/")) {
    // /auth/ is the server's own sign-in with the organisation (redirects and its pages).
    event.respondWith(shellPage(request));
  } else if (SHELL_ASSETS.includes(url.pathname)) {
    event.respondWith(cacheOrNetwork(request));
  }
  // Everything else (sessions, concerns, sync) goes to the network untouched: personal
  // data is never put in the Cache API.
});

async function cacheOrNetwork(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}

async function shellPage(request) {
  // The client routes every page, so the one shell document answers every navigation.
  const cached = await caches.match("/index.html", { cacheName: SHELL_CACHE });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    return new Response("SafeVisit is offline and not yet installed on this device.", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

// Conditional GET with the stored ETag: a 304 costs a few bytes on poor data, a network
// failure falls back to the stored copy, and a server error never replaces good data.
async function revalidate(request) {
  const cache = await caches.open(PROCEDURE_CACHE);
  const key = new URL(request.url).pathname;
  const cached = await cache.match(key);
  const headers = new Headers({ Accept: "application/json" });
  const etag = cached?.headers.get("ETag");
  if (etag) headers.set("If-None-Match", etag);
  let response;
  try {
    response = await fetch(key, { headers, cache: "no-store", credentials: "same-origin" });
  } catch (error) {
    if (cached) return cached;
    throw error;
  }
  if (response.status === 304 && cached) return cached;
  if (response.ok) {
    await cache.put(key, response.clone());
    return response;
  }
  return cached || response;
}
