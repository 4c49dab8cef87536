// Duty alerts on this browser (issue 6): the Web Push subscription, the on-duty switch, and
// the page's side of the service worker's push messages (pwa/js/push-sw.js).
//
// Permission is only ever asked after a tap on "Turn on alerts", never on page load:
// browsers penalise (and people rightly refuse) prompts that come out of nowhere.
import * as api from "./api.js";
import { announce, h, replace } from "./dom.js";

const RECIPIENTS = new Set(["duty_manager", "admin"]); // who the server alerts (backend/push/views.py)
// The endpoint this browser last gave the server, so a changed one is sent with `replaces`.
// Not personal data (a push service URL); cleared when alerts are turned off or the device is wiped.
const LAST_ENDPOINT = "safevisit-push-endpoint";
const ROUTABLE = /^\/(queue|concerns\/[A-Za-z0-9_-]{1,64})$/;

export function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function b64urlToBytes(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  if (!buffer) return true; // the browser does not say: trust it
  const a = new Uint8Array(buffer);
  return a.length === bytes.length && a.every((v, i) => v === bytes[i]);
}

function deviceLabel() {
  const platform = navigator.userAgentData?.platform || navigator.platform || "Browser";
  return `${platform}${navigator.userAgentData?.mobile ? " (mobile)" : ""}`.slice(0, 80);
}

/** The service worker's registration; `ready` never settles if it failed to install. */
function registration() {
  return Promise.race([navigator.serviceWorker.ready, new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error("SafeVisit's service worker is not running in this browser.")), 10_000);
  })]);
}

/** Subscribe (or keep the current subscription) and give it to the server. */
async function subscribeAndPost({ replaces } = {}) {
  const { public_key: publicKey } = await api.pushPublicKey();
  if (!publicKey) throw new Error("Alerts are not set up on this server yet. Ask an administrator.");
  const key = b64urlToBytes(publicKey);
  const { pushManager } = await registration();
  let subscription = await pushManager.getSubscription();
  const previous = replaces || localStorage.getItem(LAST_ENDPOINT);
  if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
    // The server's key changed: the old subscription can never be delivered to again.
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ||= await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const body = { ...subscription.toJSON(), device_label: deviceLabel() };
  if (previous && previous !== body.endpoint) body.replaces = previous;
  await api.ensureCsrf();
  await api.pushSubscribe(body);
  localStorage.setItem(LAST_ENDPOINT, body.endpoint);
  return subscription;
}

/** Unsubscribe here and remove it on the server; the server part needs a connection. */
async function unsubscribeAndDelete() {
  const subscription = await (await registration()).pushManager.getSubscription();
  const endpoint = subscription?.endpoint || localStorage.getItem(LAST_ENDPOINT);
  let serverError = null;
  if (endpoint) {
    try {
      await api.ensureCsrf();
      await api.pushUnsubscribe(endpoint);
    } catch (error) {
      if (error.status !== 404) serverError = error; // 404: already gone, which is the aim
    }
  }
  await subscription?.unsubscribe();
  localStorage.removeItem(LAST_ENDPOINT);
  return serverError;
}

/**
 * Every open of the app, for a manager who has alerts on: post the current subscription
 * again (the server keeps it fresh and learns a changed endpoint). Also listens for the
 * service worker's messages. Never asks for permission.
 */
let listening = false;
export async function start(user) {
  if (!listening && supported()) {
    listening = true;
    navigator.serviceWorker.addEventListener("message", onWorkerMessage);
  }
  if (!user || !RECIPIENTS.has(user.role) || !supported() || Notification.permission !== "granted") return;
  try {
    const current = await (await registration()).pushManager.getSubscription();
    // Neither a subscription nor a record of one: alerts are off here, and stay off.
    if (!current && !localStorage.getItem(LAST_ENDPOINT)) return;
    await subscribeAndPost();
  } catch (error) {
    console.warn("could not renew the push subscription", error);
  }
}

function onWorkerMessage(event) {
  const { type, path, replaces } = event.data || {};
  if (type === "open" && ROUTABLE.test(path || "")) {
    // A notification was tapped: route in place, as a link tap would (app.js listens to
    // popstate), so an unlocked app stays unlocked and a locked one asks for the passcode.
    history.pushState(null, "", path);
    window.dispatchEvent(new PopStateEvent("popstate"));
  } else if (type === "push-resubscribe") {
    subscribeAndPost({ replaces }).catch((error) => console.warn("could not renew the push subscription", error));
  }
}

/**
 * Sign-out, before the server session ends: remove this browser's subscription there and
 * here. Best effort and bounded in time — a failure never stops the sign-out; the push
 * service then answers 410 to the next alert, which makes the server delete it.
 */
export async function beforeSignOut() {
  if (!supported()) return;
  const timeout = new Promise((resolve) => { setTimeout(resolve, 5000); });
  await Promise.race([unsubscribeAndDelete().catch((error) => console.warn("push unsubscribe failed", error)), timeout]);
}

/** The device is being wiped (any reason): stop alerts arriving here for whoever it was. */
export async function forget() {
  localStorage.removeItem(LAST_ENDPOINT);
  if (!supported()) return;
  try {
    const subscription = await navigator.serviceWorker.getRegistration().then((r) => r?.pushManager.getSubscription());
    await subscription?.unsubscribe();
  } catch (error) {
    console.warn("push unsubscribe failed", error);
  }
}

/** Where alerts stand on this browser: "unsupported", "unavailable", "blocked", "on", "off". */
async function alertState() {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  const subscription = await (await registration()).pushManager.getSubscription();
  return subscription && Notification.permission === "granted" ? "on" : "off";
}

const STATE_TEXT = {
  unsupported: ["Not available", "badge-none", "This browser cannot show alerts. On an iPhone, add SafeVisit to the Home Screen first, then open it from there."],
  unavailable: ["Not available", "badge-none", "Alerts are not set up on this server yet. Ask an administrator."],
  blocked: ["Blocked", "badge-soon", "Notifications are blocked for SafeVisit in this browser's settings. Allow them there, then come back to this page."],
  on: ["On", "badge-routine", "This phone gets an alert when an urgent concern comes in, even when SafeVisit is closed."],
  off: ["Off", "badge-none", "This phone does not get alerts. Urgent concerns only show in the queue."],
};

/** The "Alerts" card of the manager's queue screen; fills itself in. */
export function alertsCard(user) {
  const card = h("section", { class: "card", id: "alerts", "aria-labelledby": "alerts-title" },
    h("h2", { id: "alerts-title" }, "Alerts on this phone"),
    h("p", { class: "muted", id: "alerts-state" }, "Checking…"));
  draw(card, user).catch((error) => replace(card, card.firstChild,
    h("p", { class: "notice", role: "alert", id: "alerts-error" }, `Alerts cannot be checked: ${error.message}`)));
  return card;
}

async function draw(card, user, error = null) {
  let state = await alertState();
  if (state === "off" && !(await serverHasKey())) state = "unavailable";
  const [label, badge, detail] = STATE_TEXT[state];
  const on = state === "on";
  const toggle = (on || state === "off") ? h("button", {
    type: "button", id: "alerts-toggle", class: on ? "btn btn-secondary" : "btn",
    onclick: () => change(card, user, "alerts-toggle", on ? turnOff : turnOn),
  }, on ? "Turn off alerts" : "Turn on alerts") : null;
  replace(card,
    h("h2", { id: "alerts-title", tabindex: "-1" }, "Alerts on this phone"), // focus lands here when the button goes
    h("p", { id: "alerts-state" }, h("span", { class: `badge ${badge}` }, label), " ", detail),
    error ? h("p", { class: "notice", role: "alert", id: "alerts-error" }, error) : null,
    toggle,
    user.role === "duty_manager" ? await dutyPart(card, user) : null);
}

async function serverHasKey() {
  try {
    return Boolean((await api.pushPublicKey()).public_key);
  } catch (error) {
    return true; // offline: offer the button, which then says a connection is needed
  }
}

/** Run a tap's action, redraw the card, say what happened, and keep focus on the button. */
async function change(card, user, buttonId, action) {
  card.querySelector(`#${buttonId}`).disabled = true;
  let error = null;
  let said = null;
  try {
    ({ error = null, said = null } = (await action()) || {});
  } catch (err) {
    error = err instanceof api.NetworkError ? "You are offline. This needs a connection."
      : `That did not work: ${err.message}`;
  }
  await draw(card, user, error);
  announce(error || said || card.querySelector("#alerts-state")?.textContent || "");
  (card.querySelector(`#${buttonId}`) || card.querySelector("h2"))?.focus();
}

async function turnOn() {
  // The permission prompt comes from this tap (a user gesture), as browsers require.
  const permission = await Notification.requestPermission();
  if (permission === "denied") return null; // drawn as "Blocked", with how to undo it
  if (permission !== "granted") return { error: "Alerts stay off: notifications were not allowed." };
  await subscribeAndPost();
  return { said: "Alerts are on for this phone." };
}

async function turnOff() {
  const serverError = await unsubscribeAndDelete();
  if (serverError) {
    return { error: `This phone no longer gets alerts, but the server could not be told (${serverError.message}). ` +
      "It forgets this phone by itself the next time it sends an alert." };
  }
  return { said: "Alerts are off for this phone." };
}

async function dutyPart(card, user) {
  let onDuty;
  try {
    onDuty = (await api.duty()).on_duty;
  } catch (error) {
    return h("p", { class: "muted", id: "duty-state" }, "Your duty status needs a connection.");
  }
  return h("div", { class: "duty" },
    h("p", { id: "duty-state" }, h("strong", {}, onDuty ? "You are on duty." : "You are off duty."), " ",
      onDuty ? "Urgent concerns for your team alert you (and any other manager on duty)."
        : "When no manager of your team is on duty, every manager of the team is alerted."),
    h("button", { type: "button", id: "duty-toggle", class: "btn btn-secondary", "aria-describedby": "duty-state",
      onclick: () => change(card, user, "duty-toggle", async () => {
        await api.ensureCsrf();
        const { on_duty: now } = await api.setDuty(!onDuty);
        return { said: now ? "You are on duty." : "You are off duty." };
      }) }, onDuty ? "Go off duty" : "Go on duty"));
}
