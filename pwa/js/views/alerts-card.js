// The "Alerts on this phone" card of the manager's queue screen: turn push alerts
// on or off here (permission is asked only after that tap) and go on or off duty; see whether
// this phone's channel is known to work, and prove it with "Send me a test alert".
import { alertState, currentEndpoint, subscribeAndPost, unsubscribeAndDelete } from "../alerts.js";
import * as api from "../api.js";
import { can, MANAGE_CONCERNS } from "../capabilities.js";
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

async function draw(card, user, error = null, shown = null) {
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
      onDuty ? "Urgent concerns for your team alert you, as well as the primary on the rota."
        : "Urgent concerns alert the primary on the rota and any manager on duty; with neither, every manager of the team."),
    h("button", { type: "button", id: "duty-toggle", class: "btn btn-secondary", "aria-describedby": "duty-state",
      onclick: () => change(card, user, "duty-toggle", async () => {
        await api.ensureCsrf();
        const { on_duty: now } = await api.setDuty(!onDuty);
        return { said: now ? "You are on duty." : "You are off duty." };
      }) }, onDuty ? "Go off duty" : "Go on duty"));
}
