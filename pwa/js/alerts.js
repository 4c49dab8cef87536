// Duty alerts on this browser: the Web Push subscription and keeping it fresh.
// The card that turns them on is views/alerts-card.js; the service worker's messages reach
// this module through the dispatcher in worker-messages.js.
//
// Permission is only ever asked after a tap on "Turn on alerts", never on page load:
// browsers penalise (and people rightly refuse) prompts that come out of nowhere.
import * as api from "./api.js";
import { can, RECEIVE_ALERTS } from "./capabilities.js";

// The endpoint this browser last gave the server, so a changed one is sent with `replaces`.
// Not personal data (a push service URL); cleared when alerts are turned off or the device is wiped.
const LAST_ENDPOINT = "safevisit-push-endpoint";

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

// Subscribing and unsubscribing run one at a time, in the order asked. Otherwise the renewal
// every open starts could still be under way when the manager taps "Turn off alerts", and
// subscribe again (here and on the server) just after the tap had removed the subscription.
let queue = Promise.resolve();
function oneAtATime(work) {
  const run = queue.then(work, work);
  queue = run.catch(() => {});
  return run;
}

/** Subscribe (or keep the current subscription) and give it to the server. */
export function subscribeAndPost(options) {
  return oneAtATime(() => subscribeNow(options));
}

async function subscribeNow({ replaces } = {}) {
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
export function unsubscribeAndDelete() {
  return oneAtATime(unsubscribeNow);
}

async function unsubscribeNow() {
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
 * again (the server keeps it fresh and learns a changed endpoint). Never asks for permission.
 */
export async function start(user) {
  if (!can(user, RECEIVE_ALERTS) || !supported() || Notification.permission !== "granted") return;
  try {
    await oneAtATime(async () => {
      const current = await (await registration()).pushManager.getSubscription();
      // Neither a subscription nor a record of one: alerts are off here, and stay off.
      if (!current && !localStorage.getItem(LAST_ENDPOINT)) return;
      await subscribeNow();
    });
  } catch (error) {
    console.warn("could not renew the push subscription", error);
  }
}

/** The service worker could not post a replaced subscription itself: this page does. */
export function resubscribe(replaces) {
  subscribeAndPost({ replaces }).catch((error) => console.warn("could not renew the push subscription", error));
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

/** Where alerts stand on this browser: "unsupported", "blocked", "on", "off". */
export async function alertState() {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  const subscription = await (await registration()).pushManager.getSubscription();
  return subscription && Notification.permission === "granted" ? "on" : "off";
}

/** This browser's subscription endpoint, to find its row (and health) on the server; null if none. */
export async function currentEndpoint() {
  if (!supported()) return null;
  const subscription = await (await registration()).pushManager.getSubscription();
  return subscription?.endpoint || null;
}
