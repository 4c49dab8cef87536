// The "Alerts on this phone" card of the manager's queue screen: turn push alerts
// on or off here (permission is asked only after that tap) and go on or off duty; see whether
// this phone's channel is known to work, and prove it with "Send me a test alert".
// Turning alerts on says what it is doing, gives up waiting after a while, and then says what
// to do instead: a greyed button with no word is no use at 2 a.m.
import { alertState, currentEndpoint, subscribeAndPost, unsubscribeAndDelete } from "../alerts.js";
import * as api from "../api.js";
import { can, MANAGE_CONCERNS, MANAGE_ROTA } from "../capabilities.js";
import { announce, h, replace } from "../dom.js";

const STATE_TEXT = {
  unsupported: ["Not available", "badge-none", "This browser cannot show alerts. On an iPhone, add SafeVisit to the Home Screen first, then open it from there."],
  unavailable: ["Not available", "badge-none", "Alerts are not set up on this server yet. Ask an administrator."],
  blocked: ["Blocked", "badge-soon", "Notifications are blocked for SafeVisit in this browser's settings. Allow them there, then come back to this page."],
  on: ["On", "badge-routine", "This phone gets an alert when an urgent concern comes in, even when SafeVisit is closed."],
  off: ["Off", "badge-none", "This phone does not get alerts. Urgent concerns only show in the queue."],
};

/**
 * The "Alerts" card of the manager's queue screen, filled in before it is shown: a card that
 * grew after the page appeared would move the filters from under a finger about to tap them.
 */
export async function alertsCard(user) {
  const card = h("section", { class: "card", id: "alerts", "aria-labelledby": "alerts-title" },
    h("h2", { id: "alerts-title" }, "Alerts on this phone"));
  await draw(card, user).catch((error) => card.append(
    h("p", { class: "notice", role: "alert", id: "alerts-error" }, `Alerts cannot be checked: ${error.message}`)));
  return card;
}

async function draw(card, user, error = null, shown = null, help = null) {
  let state = await alertState();
  if (state === "off" && !(await serverHasKey())) state = "unavailable";
  const [label, badge, detail] = STATE_TEXT[state];
  const on = state === "on";
  const toggle = (on || state === "off") ? h("button", {
    type: "button", id: "alerts-toggle", class: on ? "btn btn-secondary" : "btn",
    onclick: () => (on ? change(card, user, "alerts-toggle", turnOff) : turnOnWithProgress(card, user)),
  }, on ? "Turn off alerts" : "Turn on alerts") : null;
  replace(card,
    h("h2", { id: "alerts-title", tabindex: "-1" }, "Alerts on this phone"), // focus lands here when the button goes
    h("p", { id: "alerts-state" }, h("span", { class: `badge ${badge}` }, label), " ", detail),
    error ? h("p", { class: "notice", role: "alert", id: "alerts-error" }, error) : null,
    help,
    on ? await healthPart(card, user) : null,
    shown ? h("p", { class: "notice", id: "alerts-note" }, shown) : null,
    toggle,
    can(user, MANAGE_CONCERNS) ? await dutyPart(card, user) : null);
}

const HEALTH_TEXT = {
  working: ["Working", "badge-routine", "An alert reached this phone recently."],
  failed: ["Failed", "badge-immediate", "The last alert to this phone did not get through. Send a test alert; if it does not arrive, turn alerts off and on again."],
  unknown: ["Not yet proven", "badge-soon", "No alert has reached this phone recently. Send yourself a test alert to be sure."],
};

/** This phone's channel health (from the server's record of deliveries) and the test button. */
async function healthPart(card, user) {
  let health = null;
  try {
    const [endpoint, { subscriptions }] = await Promise.all([currentEndpoint(), api.pushSubscriptions()]);
    health = subscriptions.find((s) => s.endpoint === endpoint)?.health || "unknown";
  } catch (error) {
    return h("p", { class: "muted", id: "channel-state" }, "Whether alerts reach this phone needs a connection to check.");
  }
  const [label, badge, detail] = HEALTH_TEXT[health];
  return h("div", { class: "channel" },
    h("p", { id: "channel-state" }, "This phone's alerts: ", h("span", { class: `badge ${badge}` }, label), " ", detail),
    h("button", { type: "button", id: "test-alert", class: "btn btn-secondary", "aria-describedby": "channel-state",
      onclick: () => change(card, user, "test-alert", async () => {
        await api.ensureCsrf();
        const { queued } = await api.pushTestAlert();
        const said = `Test alert sent to ${queued === 1 ? "your phone" : `your ${queued} devices`}. ` +
          "When it appears, tap it: that confirms alerts reach this phone.";
        return { said, shown: said };
      }) }, "Send me a test alert"));
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
  let shown = null;
  try {
    ({ error = null, said = null, shown = null } = (await action()) || {});
  } catch (err) {
    error = err instanceof api.NetworkError ? "You are offline. This needs a connection."
      : `That did not work: ${err.message}`;
  }
  await draw(card, user, error, shown);
  announce(error || said || card.querySelector("#alerts-state")?.textContent || "");
  (card.querySelector(`#${buttonId}`) || card.querySelector("h2"))?.focus();
}

// How long turning alerts on may take before the card stops waiting: the permission prompt
// and the browser's push service (which may not answer at all on a poor connection).
export const TURN_ON_TIMEOUT_MS = 20_000;

/** What a manager can do while alerts will not turn on: the queue, texts, the rota. */
function whatToDo(user) {
  return h("div", { id: "alerts-help" },
    h("p", {}, "Until alerts are on, urgent concerns only show in the queue: keep this screen open " +
      "(it refreshes by itself every 30 seconds), or make sure another manager on call has alerts working."),
    can(user, MANAGE_ROTA) ? h("p", {}, h("a", { href: "/on-call" }, "On call: get alert texts to your mobile instead")) : null);
}

/**
 * "Turn on alerts": says what it is doing while the browser asks and subscribes, stops
 * waiting after TURN_ON_TIMEOUT_MS with what to do instead, and still shows "On" if the
 * browser finishes later.
 */
async function turnOnWithProgress(card, user) {
  const button = card.querySelector("#alerts-toggle");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = "Turning on alerts…";
  const status = h("p", { class: "alerts-progress", id: "alerts-progress", role: "status" },
    "Asking this browser to allow notifications…");
  button.before(status);
  const progress = (text) => replace(status, text);
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve("timeout"), TURN_ON_TIMEOUT_MS); });
  const work = turnOn(progress);
  let outcome;
  try {
    outcome = await Promise.race([work, timedOut]);
  } catch (err) {
    outcome = { error: err instanceof api.NetworkError ? "You are offline: alerts need a connection to turn on."
      : `Alerts did not turn on: ${err.message}` };
  } finally {
    clearTimeout(timer);
  }
  if (outcome === "timeout") {
    outcome = { error: `Alerts did not turn on: this browser has not finished after ${TURN_ON_TIMEOUT_MS / 1000} seconds ` +
      "(its push service did not answer, or the question about notifications is still open). " +
      "Try again on a stronger connection." };
    // Should the browser finish after all, the card says so then.
    work.then((late) => {
      if (!late?.error && card.isConnected) draw(card, user, null, "Alerts turned on after all.").catch(() => {});
    }, () => {});
  }
  const { error = null, said = null } = outcome || {};
  await draw(card, user, error, null, error ? whatToDo(user) : null);
  announce(error || said || card.querySelector("#alerts-state")?.textContent || "");
  (card.querySelector("#alerts-toggle") || card.querySelector("h2"))?.focus();
}

async function turnOn(progress = () => {}) {
  // The permission prompt comes from this tap (a user gesture), as browsers require.
  const permission = await Notification.requestPermission();
  if (permission === "denied") return null; // drawn as "Blocked", with how to undo it
  if (permission !== "granted") return { error: "Alerts stay off: notifications were not allowed." };
  progress("Setting up alerts with this browser's push service and SafeVisit…");
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
      onDuty ? "Urgent concerns for your team alert you, as well as the primary on the rota."
        : "Urgent concerns alert the primary on the rota and any manager on duty; with neither, every manager of the team."),
    h("button", { type: "button", id: "duty-toggle", class: "btn btn-secondary", "aria-describedby": "duty-state",
      onclick: () => change(card, user, "duty-toggle", async () => {
        await api.ensureCsrf();
        const { on_duty: now } = await api.setDuty(!onDuty);
        return { said: now ? "You are on duty." : "You are off duty." };
      }) }, onDuty ? "Go off duty" : "Go on duty"));
}
