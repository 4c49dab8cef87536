// When the server answers the sync that carried an urgent or immediate concern with
// `alerting: "delayed"`, no alert worker is running: the duty manager may not have been told.
// The phone then says so at the top of every screen, with the duty desk's number to ring,
// until the worker says they have phoned. Only a time is kept on the phone, nothing about the
// concern.
import { h, replace } from "./dom.js";
import { state } from "./session-state.js";
import * as store from "./store.js";

const KEY = "alertingDelayed";
const dialable = (number) => number.replace(/(?!^\+)[^0-9]/g, "");

/** Reads a sync answer; shows the prompt when alerts are delayed. */
export async function noteSyncAnswer(answer) {
  if (answer?.alerting !== "delayed") return;
  await store.setMeta(KEY, new Date().toISOString());
  show();
}

/** At start: a prompt not yet dismissed shows again. Only with someone signed in: after a wipe
 * the phone's database is gone, and reading it would create it anew. */
export async function restore() {
  if (!state.signedIn && !state.user) return;
  if (await store.getMeta(KEY).catch(() => null)) show();
}

function call(number, label) {
  return h("a", { class: "btn btn-call", href: `tel:${dialable(number)}` }, `${label}: ${number}`);
}

function show() {
  const box = document.getElementById("alerting-prompt");
  if (!box) return;
  const team = state.user?.team || {};
  const calls = [team.duty_phone ? call(team.duty_phone, "Phone the duty desk") : null,
    team.out_of_hours_phone ? call(team.out_of_hours_phone, "Out of hours (Emergency Duty Team)") : null];
  replace(box,
    h("p", { class: "alerting-title" }, "The duty manager may not have been alerted — phone the duty desk"),
    h("p", {}, "SafeVisit could not send the alert for the urgent concern you just sent. Ring now; " +
      "do not wait for a call back."),
    calls.some(Boolean) ? h("p", { class: "calls" }, calls)
      : h("p", {}, "Your team's numbers are not set on this phone: ring the duty desk's usual number."),
    h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: dismiss }, "I have phoned"));
  box.hidden = false;
}

async function dismiss() {
  await store.setMeta(KEY, null);
  const box = document.getElementById("alerting-prompt");
  box.hidden = true;
  box.replaceChildren();
}
