// The service worker's push side (pwa/js/push-sw.js), run in a VM context with a fake worker
// scope. Chromium in the Playwright test shows real notifications; here the listeners'
// wiring and the paths a browser cannot be made to take there (a real notification click,
// pushsubscriptionchange, no open window) are checked.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../js/push-sw.js", import.meta.url), "utf8");
const ORIGIN = "https://safevisit.example";
const TITLE = "Urgent safeguarding concern — open SafeVisit";

function worker({ windows = [], subscription = null, fetches = {} } = {}) {
  const listeners = {};
  const shown = [];
  const opened = [];
  const requests = [];
  const scope = {
    location: new URL(`${ORIGIN}/sw.js`),
    navigator: { platform: "Linux armv8l" },
    addEventListener: (type, fn) => { listeners[type] = fn; },
    registration: {
      showNotification: async (title, options) => { shown.push({ title, ...options }); },
      pushManager: {
        getSubscription: async () => subscription,
        subscribe: async (options) => ({ options, toJSON: () => ({ endpoint: "https://fcm.googleapis.com/new", keys: {} }) }),
      },
    },
    clients: {
      matchAll: async () => windows,
      openWindow: async (path) => { opened.push(path); return {}; },
    },
    fetch: async (url, init = {}) => {
      requests.push({ url, ...init });
      const answer = fetches[url];
      if (answer instanceof Error) throw answer;
      return { ok: (answer?.status ?? 200) < 300, status: answer?.status ?? 200, json: async () => answer?.body ?? {} };
    },
    URL,
  };
  scope.self = scope;
  vm.runInNewContext(SOURCE, scope);
  // An event whose waitUntil promise the test can await, like the browser would.
  const fire = async (type, init) => {
    let pending = Promise.resolve();
    listeners[type]({ ...init, waitUntil: (p) => { pending = p; } });
    await pending;
  };
  return { scope, fire, shown, opened, requests };
}

const payload = (message) => ({ json: () => (typeof message === "string" ? JSON.parse(message) : message) });
const windowClient = (url) => {
  const client = { url, messages: [], focused: false };
  client.focus = async () => { client.focused = true; return client; };
  // structuredClone, as postMessage does; it also brings the object into this realm.
  client.postMessage = (message) => client.messages.push(structuredClone(message));
  return client;
};

test("every push shows one generic notification per concern, urgent ones staying on screen", async () => {
  const sw = worker();
  await sw.fire("push", { data: payload({ v: 1, kind: "alert", concern: "c0ffee-1", urgency: "immediate", team: 1, title: TITLE }) });
  await sw.fire("push", { data: payload({ v: 1, kind: "escalation", concern: "c0ffee-1", urgency: "urgent", team: 1, title: TITLE }) });
  assert.equal(sw.shown.length, 2);
  const [alert, escalation] = sw.shown;
  assert.equal(alert.title, TITLE);
  assert.equal(alert.body, "Open SafeVisit to see it.");
  assert.equal(alert.tag, "concern-c0ffee-1");
  assert.equal(escalation.tag, alert.tag); // the escalation replaces the alert...
  assert.equal(escalation.renotify, true); // ...and sounds again
  assert.equal(alert.requireInteraction, true);
  assert.deepEqual({ ...alert.data }, { concern: "c0ffee-1" });
  assert.match(escalation.body, /Nobody has acknowledged it yet/);
});

test("an alert offers Open to acknowledge and tells open windows so their lists refresh", async () => {
  const app = windowClient(`${ORIGIN}/queue`);
  const sw = worker({ windows: [app] });
  await sw.fire("push", { data: payload({ v: 1, kind: "alert", concern: "c0ffee-1", urgency: "urgent", team: 1 }) });
  assert.deepEqual(structuredClone(sw.shown[0].actions), [{ action: "acknowledge", title: "Open to acknowledge" }]);
  assert.deepEqual(app.messages, [{ type: "alert", concern: "c0ffee-1" }]);
  await sw.fire("push", { data: null });
  assert.deepEqual(structuredClone(sw.shown[1].actions), []); // nothing to acknowledge without a concern
});

test("the Open to acknowledge action opens the concern with its button offered; never for a bad id", async () => {
  const app = windowClient(`${ORIGIN}/`);
  const sw = worker({ windows: [app] });
  await sw.fire("notificationclick", { action: "acknowledge", notification: { data: { concern: "abc-123" }, close() {} } });
  await sw.fire("notificationclick", { action: "acknowledge", notification: { data: { concern: "a/b" }, close() {} } });
  assert.deepEqual(app.messages, [{ type: "open", path: "/concerns/abc-123?acknowledge=1" }, { type: "open", path: "/queue" }]);
  const closedApp = worker();
  await closedApp.fire("notificationclick", { action: "acknowledge", notification: { data: { concern: "abc-123" }, close() {} } });
  assert.deepEqual(closedApp.opened, ["/concerns/abc-123?acknowledge=1"]);
});

test("a push with no payload, broken JSON or odd fields still shows the generic text", async () => {
  const sw = worker();
  await sw.fire("push", { data: null });
  await sw.fire("push", { data: payload("{not json") });
  await sw.fire("push", { data: payload({ concern: "../../admin", title: "x".repeat(500), urgency: "routine" }) });
  assert.equal(sw.shown.length, 3);
  for (const shown of sw.shown) {
    assert.equal(shown.title, TITLE);
    assert.equal(shown.tag, "safevisit-alert");
    assert.equal(shown.data.concern, null);
  }
  assert.equal(sw.shown[2].requireInteraction, false);
});

test("a click routes an open SafeVisit window to the concern in place", async () => {
  const other = windowClient("https://elsewhere.example/");
  const app = windowClient(`${ORIGIN}/`);
  const sw = worker({ windows: [other, app] });
  let closed = false;
  await sw.fire("notificationclick", { notification: { data: { concern: "abc-123" }, close: () => { closed = true; } } });
  assert.ok(closed);
  assert.ok(app.focused);
  assert.deepEqual(app.messages, [{ type: "open", path: "/concerns/abc-123" }]);
  assert.deepEqual(other.messages, []);
  assert.deepEqual(sw.opened, []);
});

test("with no window open a click opens one on the concern; a bad id opens the queue", async () => {
  const sw = worker();
  await sw.fire("notificationclick", { notification: { data: { concern: "abc-123" }, close() {} } });
  await sw.fire("notificationclick", { notification: { data: { concern: "a/b?c" }, close() {} } });
  await sw.fire("notificationclick", { notification: { data: null, close() {} } });
  assert.deepEqual(sw.opened, ["/concerns/abc-123", "/queue", "/queue"]);
});

test("a window that cannot be focused is still routed", async () => {
  const app = windowClient(`${ORIGIN}/queue`);
  app.focus = async () => { throw new Error("InvalidAccessError"); };
  const sw = worker({ windows: [app] });
  await sw.scope.openConcern({ concern: "abc-123" });
  assert.deepEqual(app.messages, [{ type: "open", path: "/concerns/abc-123" }]);
});

test("pushsubscriptionchange posts the new subscription with replaces and the session's CSRF token", async () => {
  const sw = worker({ fetches: { "/api/auth/session": { body: { user: { id: 3 }, csrf_token: "tok" } } } });
  const fresh = { toJSON: () => ({ endpoint: "https://fcm.googleapis.com/fresh", expirationTime: null, keys: { p256dh: "p", auth: "a" } }) };
  await sw.fire("pushsubscriptionchange", { oldSubscription: { endpoint: "https://fcm.googleapis.com/old" }, newSubscription: fresh });
  const post = sw.requests.find((r) => r.url === "/api/push/subscriptions");
  assert.equal(post.method, "POST");
  assert.equal(post.headers["X-CSRFToken"], "tok");
  assert.deepEqual(JSON.parse(post.body), {
    endpoint: "https://fcm.googleapis.com/fresh", expirationTime: null, keys: { p256dh: "p", auth: "a" },
    device_label: "Linux armv8l", replaces: "https://fcm.googleapis.com/old" });
});

test("with no new subscription it subscribes again with the old key", async () => {
  const sw = worker({ fetches: { "/api/auth/session": { body: { user: { id: 3 }, csrf_token: "tok" } } } });
  const key = new Uint8Array([4, 1, 2]).buffer;
  await sw.fire("pushsubscriptionchange", { oldSubscription: { endpoint: "https://fcm.googleapis.com/old", options: { applicationServerKey: key } } });
  const body = JSON.parse(sw.requests.find((r) => r.url === "/api/push/subscriptions").body);
  assert.equal(body.endpoint, "https://fcm.googleapis.com/new");
  assert.equal(body.replaces, "https://fcm.googleapis.com/old");
});

test("signed out or offline, open pages are asked to post it instead", async () => {
  const app = windowClient(`${ORIGIN}/`);
  const signedOut = worker({ windows: [app], fetches: { "/api/auth/session": { body: { user: null, csrf_token: "t" } } } });
  await signedOut.fire("pushsubscriptionchange", { oldSubscription: { endpoint: "https://fcm.googleapis.com/old" },
    newSubscription: { toJSON: () => ({ endpoint: "https://fcm.googleapis.com/fresh" }) } });
  assert.equal(signedOut.requests.filter((r) => r.url === "/api/push/subscriptions").length, 0);
  assert.deepEqual(app.messages, [{ type: "push-resubscribe", replaces: "https://fcm.googleapis.com/old" }]);

  const offlineApp = windowClient(`${ORIGIN}/`);
  const offline = worker({ windows: [offlineApp], fetches: { "/api/auth/session": new TypeError("Failed to fetch") } });
  await offline.fire("pushsubscriptionchange", { oldSubscription: null,
    newSubscription: { toJSON: () => ({ endpoint: "https://fcm.googleapis.com/fresh" }) } });
  assert.deepEqual(offlineApp.messages, [{ type: "push-resubscribe", replaces: undefined }]);
});

// "Already phoned", and test alerts acknowledged from their notification.
test("an alert the worker already phoned in says so, and only when the flag is exactly true", async () => {
  const sw = worker();
  await sw.fire("push", { data: payload({ v: 1, kind: "alert", concern: "c0ffee-2", urgency: "urgent", team: 1, phoned: true, title: TITLE }) });
  await sw.fire("push", { data: payload({ v: 1, kind: "escalation", concern: "c0ffee-2", urgency: "urgent", team: 1, phoned: true, title: TITLE }) });
  await sw.fire("push", { data: payload({ v: 1, kind: "alert", concern: "c0ffee-3", urgency: "urgent", team: 1, phoned: "yes", title: TITLE }) });
  assert.equal(sw.shown[0].body, "The worker has already phoned the duty desk. Open SafeVisit to see it.");
  assert.equal(sw.shown[1].body, "The worker has already phoned the duty desk. Nobody has acknowledged it yet. Open SafeVisit to see it.");
  assert.equal(sw.shown[2].body, "Open SafeVisit to see it.");
});

test("a test alert shows its own notification; a tap posts its token back and opens the queue", async () => {
  const sw = worker({ subscription: { endpoint: "https://fcm.googleapis.com/fcm/send/this-phone",
    toJSON: () => ({ endpoint: "https://fcm.googleapis.com/fcm/send/this-phone", keys: { p256dh: "BPk", auth: "c2VjcmV0LW9mLXRoaXM" } }) },
    fetches: { "/api/auth/session": { body: { user: { id: 3 }, csrf_token: "csrf-1" } } } });
  await sw.fire("push", { data: payload({ v: 1, kind: "test", test: "42.abcDEF_-1", title: "SafeVisit test alert" }) });
  const [shown] = sw.shown;
  assert.equal(shown.title, "SafeVisit test alert");
  assert.equal(shown.tag, "safevisit-test");
  assert.deepEqual({ ...shown.data }, { test: "42.abcDEF_-1" });
  assert.deepEqual([...shown.actions || []], []);
  await sw.fire("notificationclick", { notification: { data: shown.data, close() {} }, action: "" });
  const ack = sw.requests.find((r) => r.url === "/api/push/test-alerts/ack");
  assert.equal(ack.method, "POST");
  assert.equal(ack.headers["X-CSRFToken"], "csrf-1");
  // With this browser's own endpoint and secret: the server accepts the token only from where it was sent.
  assert.deepEqual(JSON.parse(ack.body), { token: "42.abcDEF_-1", endpoint: "https://fcm.googleapis.com/fcm/send/this-phone", auth: "c2VjcmV0LW9mLXRoaXM" });
  assert.deepEqual(sw.opened, ["/queue"]);
});

test("with no subscription in this browser a test alert's tap posts nothing and still opens the queue", async () => {
  const sw = worker({ fetches: { "/api/auth/session": { body: { user: { id: 3 }, csrf_token: "csrf-1" } } } });
  await sw.fire("push", { data: payload({ v: 1, kind: "test", test: "42.abcDEF_-1", title: "SafeVisit test alert" }) });
  assert.equal(await sw.scope.confirmTest(sw.shown[0].data), false);
  assert.equal(sw.requests.length, 0);
  assert.deepEqual(sw.opened, ["/queue"]);
});

test("a test token of the wrong shape is never sent back", async () => {
  const sw = worker();
  await sw.fire("push", { data: payload({ v: 1, kind: "test", test: "../../api/x", title: "SafeVisit test alert" }) });
  assert.deepEqual({ ...sw.shown[0].data }, { test: null });
  await sw.fire("notificationclick", { notification: { data: sw.shown[0].data, close() {} }, action: "" });
  assert.equal(sw.requests.length, 0);
  assert.deepEqual(sw.opened, ["/queue"]);
});
