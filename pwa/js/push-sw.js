/* Web Push in the service worker, loaded by sw.js with importScripts.
 *
 * - `push`: always shows a notification (the subscription promised userVisibleOnly, and a
 *   browser that sees a silent push may revoke it). The text is generic: the payload holds
 *   only an opaque concern id, so nothing about a child appears on a lock screen.
 * - `notificationclick`: brings SafeVisit forward on that concern (its "Open to acknowledge"
 *   action opens it with the Acknowledge button ready: opening never acknowledges, the
 *   manager's tap on the page does). An open window is told to
 *   route there in place (a full navigation would reload the page and drop the unlocked data
 *   key); with none open a new window opens on the concern. Either way the app's passcode
 *   lock stands in front of it, and the concern shows once it is unlocked.
 * - `pushsubscriptionchange`: the browser replaced the subscription; the new one is posted
 *   with `replaces` so the server drops the old endpoint.
 *
 * Plain functions on the worker's global scope, so pwa/tests/push-sw.test.mjs can run them,
 * and the Playwright test can call openConcern() — the very function the click listener
 * calls — because no tool can click a real notification.
 */
/* exported openConcern, showAlert, resubscribeInWorker, confirmTest */
const ALERT_TITLE = "Urgent safeguarding concern — open SafeVisit";
const TEST_TITLE = "SafeVisit test alert";
const TEST_TOKEN = /^[0-9]{1,12}\.[A-Za-z0-9_-]{1,40}$/;
const CONCERN_ID = /^[A-Za-z0-9_-]{1,64}$/;
// names.js CALL_NOW: a classic worker script cannot import a module (tests/test_pwa_state_names.py
// keeps the two the same).
const URGENT = new Set(["immediate", "urgent"]);

/** The decrypted payload as an object; a missing or broken one still gets a notification. */
function alertMessage(data) {
  try {
    const message = data ? data.json() : null;
    return message && typeof message === "object" ? message : {};
  } catch (error) {
    return {};
  }
}

function concernPath(concern) {
  // Only an id of the expected shape goes into a URL; anything else opens the queue.
  return typeof concern === "string" && CONCERN_ID.test(concern)
    ? `/concerns/${concern}` : "/queue";
}

/** A test alert: it proves the channel once it is acted on (confirmTest). */
async function showTest(message) {
  const token = typeof message.test === "string" && TEST_TOKEN.test(message.test) ? message.test : null;
  await self.registration.showNotification(TEST_TITLE, {
    body: "Alerts reach this phone. Tap to confirm it to SafeVisit.",
    tag: "safevisit-test", renotify: true, requireInteraction: true,
    icon: "/icons/icon-192.png", badge: "/icons/icon-192.png",
    data: { test: token },
  });
}

async function showAlert(data) {
  const message = alertMessage(data);
  if (message.kind === "test") return showTest(message);
  const concern = typeof message.concern === "string" && CONCERN_ID.test(message.concern)
    ? message.concern : null;
  const escalation = message.kind === "escalation";
  const title = typeof message.title === "string" && message.title.length <= 120
    ? message.title : ALERT_TITLE;
  // The worker already phoned the duty desk (a flag only: no name, no time): say so, so the
  // manager is not paged as if nobody knew.
  const phoned = message.phoned === true;
  await self.registration.showNotification(title, {
    body: (phoned ? "The worker has already phoned the duty desk. " : "") +
      (escalation ? "Nobody has acknowledged it yet. Open SafeVisit to see it." : "Open SafeVisit to see it."),
    // One notification per concern: an escalation replaces the first alert, and renotify
    // makes the phone sound again instead of updating silently.
    tag: concern ? `concern-${concern}` : "safevisit-alert",
    renotify: true,
    // Urgent alerts stay on screen until someone acts on them.
    requireInteraction: escalation || URGENT.has(message.urgency),
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { concern },
    // Straight to the concern's Acknowledge button (after the lock); the tap there acknowledges.
    actions: concern ? [{ action: "acknowledge", title: "Open to acknowledge" }] : [],
  });
  // An open queue or concern page refreshes (worker-messages.js passes this on).
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "alert", concern });
  }
}

/**
 * Focus an open SafeVisit window and route it to the concern, or open a new one there.
 * `action` "acknowledge" (the notification's button) asks the page to offer its Acknowledge
 * button first; the page never acknowledges by itself.
 */
async function openConcern(data, action) {
  let path = concernPath(data && data.concern);
  if (action === "acknowledge" && path !== "/queue") path += "?acknowledge=1";
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const client = windows.find((c) => new URL(c.url).origin === self.location.origin);
  if (!client) return self.clients.openWindow(path);
  try {
    await client.focus();
  } catch (error) {
    // focus() needs the click's user activation; without it the window is still routed.
  }
  client.postMessage({ type: "open", path });
  return client;
}

self.addEventListener("push", (event) => {
  event.waitUntil(showAlert(event.data));
});

/**
 * A test alert's notification was acted on: tell the server (with the session cookie and its
 * CSRF token, as postSubscription does: the worker never holds the device key), then show the
 * Alerts card. The acknowledgement carries this browser's own subscription (its endpoint and
 * authentication secret): the server accepts a test's token only from the subscription it was
 * sent to. Resolves to whether the server recorded it.
 */
async function confirmTest(data) {
  let confirmed = false;
  if (data && typeof data.test === "string" && TEST_TOKEN.test(data.test)) {
    try {
      const subscription = await self.registration.pushManager.getSubscription();
      if (!subscription) throw new Error("no push subscription in this browser");
      const session = await fetch("/api/auth/session", { credentials: "same-origin", cache: "no-store",
        headers: { Accept: "application/json" } }).then((r) => r.json());
      const response = await fetch("/api/push/test-alerts/ack", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": session.csrf_token },
        body: JSON.stringify({ token: data.test, endpoint: subscription.endpoint, auth: subscription.toJSON().keys?.auth }),
      });
      confirmed = response.ok;
    } catch (error) {
      confirmed = false; // offline, signed out or unsubscribed: the card still shows the channel untested
    }
  }
  await openConcern({ concern: null });
  return confirmed;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data;
  event.waitUntil(data && "test" in data ? confirmTest(data) : openConcern(data, event.action));
});

/** Post a replaced subscription with the signed-in session's own CSRF token. */
async function postSubscription(subscription, replaces) {
  const session = await fetch("/api/auth/session", { credentials: "same-origin", cache: "no-store",
    headers: { Accept: "application/json" } }).then((r) => r.json());
  if (!session || !session.user) throw new Error("not signed in");
  const body = { ...subscription.toJSON(), device_label: deviceLabel() };
  if (replaces && replaces !== body.endpoint) body.replaces = replaces;
  const response = await fetch("/api/push/subscriptions", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": session.csrf_token },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
}

function deviceLabel() {
  const platform = (self.navigator.userAgentData && self.navigator.userAgentData.platform) || self.navigator.platform;
  return String(platform || "Browser").slice(0, 80);
}

async function resubscribeInWorker(oldSubscription, newSubscription) {
  const replaces = oldSubscription ? oldSubscription.endpoint : undefined;
  try {
    let subscription = newSubscription || await self.registration.pushManager.getSubscription();
    if (!subscription) {
      let key = oldSubscription && oldSubscription.options && oldSubscription.options.applicationServerKey;
      if (!key) key = (await fetch("/api/push/public-key").then((r) => r.json())).public_key;
      if (!key) throw new Error("push is not set up on the server");
      subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    await postSubscription(subscription, replaces);
  } catch (error) {
    // Offline or signed out: an open page posts it with its own session now, and every
    // open of the app posts the current subscription anyway. With no page open the old
    // endpoint stays on the server until its push service answers 404/410, which deletes it.
    for (const client of await self.clients.matchAll({ type: "window" })) {
      client.postMessage({ type: "push-resubscribe", replaces });
    }
  }
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(resubscribeInWorker(event.oldSubscription, event.newSubscription));
});
