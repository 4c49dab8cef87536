// "Phone the duty desk now" at the top of the recommendations when any of them is immediate or
// urgent, and "I have phoned", which records when and whom the worker spoke to in the draft
// (encrypted on the phone like the rest of it) so it goes to the team with the concern.
//
// Traced: the urgent and immediate actions themselves come from the chapter (each cites its
// paragraphs, listed here as the reason); telling the team's duty desk at once, by phone, and
// recording who took the call, is practice — labelled so, like the `call-duty-desk` action.
import { announce, h, replace, uid } from "../dom.js";
import { CALL_NOW } from "../names.js";
import { deskNow } from "../office-hours.js";
import { sourceLabel } from "./actions.js";
import { citations } from "./questions.js";

const clock = (iso) => new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
// Digits and a leading + only: what a tel: link dials.
const dialable = (number) => number.replace(/(?!^\+)[^0-9]/g, "");

export const needsDutyDesk = (result) => result.actions.some((a) => CALL_NOW.has(a.urgency));

/** "Phoned the duty desk at 14:02 (spoke to …)": the same words for the worker and the manager. */
export function callLine(call) {
  const desk = call.desk === "out_of_hours" ? "the out-of-hours team" : "the duty desk";
  return `Phoned ${desk} at ${clock(call.phoned_at)} (spoke to ${call.spoke_to})`;
}

// How often an open page looks at the clock again: a worker who opened the checklist at 16:58
// must not be shown the office's number at 17:01, when the out-of-hours team answers.
export const RECHECK_MS = 15_000;

/**
 * The box, kept across redraws of the panel (so a half-typed name survives an answer change).
 * `draft()` gives the current draft; `record(call)` stores a call in it and resolves when saved.
 * The number to ring follows the clock while the page is open; `stop()` when the page is left.
 */
export function dutyDeskBox({ team, draft, record, locked, onChoice = () => {} }) {
  const box = h("section", { class: "notice notice-danger duty-desk", id: "duty-desk",
    "aria-labelledby": "duty-desk-title", hidden: true });
  const callPart = h("div", { class: "duty-desk-call" });
  let urgentActions = [];
  let danger = false; // 999 is recommended: it comes first, the desk second
  let paragraphs = {};
  let error = "";
  let shown = null; // the choice on screen: what the worker dialled, and what "I have phoned" records

  // Which number to ring and why; redrawn alone when the clock changes it, so a name being
  // typed below is never disturbed.
  function drawCall(choice) {
    const focused = callPart.contains(document.activeElement);
    shown = choice;
    onChoice(choice);
    replace(callPart,
      choice.number ? h("p", { class: "calls" }, h("a", { class: `btn btn-call btn-block ${danger ? "btn-call-second" : ""}`, id: "duty-desk-call",
        href: `tel:${dialable(choice.number)}`, "data-desk": choice.desk || "unknown" },
      `Call ${choice.label}: ${choice.number}`)) : null,
      h("p", { id: "duty-desk-why" }, choice.reason),
      // Both numbers when the phone cannot tell which desk answers.
      choice.desk === null && team?.duty_phone && team?.out_of_hours_phone ? h("p", { class: "calls" },
        h("a", { class: "btn btn-call", href: `tel:${dialable(team.out_of_hours_phone)}` },
          `Out of hours (Emergency Duty Team): ${team.out_of_hours_phone}`)) : null);
    if (focused) callPart.querySelector("a")?.focus();
  }

  function recheck() {
    if (box.hidden || !shown) return;
    const choice = deskNow(team);
    if (choice.desk === shown.desk && choice.number === shown.number) {
      if (choice.reason !== shown.reason) {
        shown = choice;
        callPart.querySelector("#duty-desk-why").textContent = choice.reason; // the time it gives
      }
      return;
    }
    drawCall(choice);
    if (choice.number) announce(`The number to ring has changed. Call ${choice.label}: ${choice.number}.`);
  }
  const timer = setInterval(recheck, RECHECK_MS);
  // Timers sleep with the screen: a phone woken after 17:00 looks again at once.
  const onVisible = () => { if (document.visibilityState === "visible") recheck(); };
  document.addEventListener("visibilitychange", onVisible);

  function draw(focus = null) {
    const call = draft().duty_call;
    const spokeId = uid("spoke-to");
    const input = h("input", { id: spokeId, name: "spoke_to", type: "text", maxlength: "120",
      autocomplete: "off", "aria-describedby": `${spokeId}-hint` });
    const form = h("form", { class: "phoned-form", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const spokeTo = input.value.trim();
      if (!spokeTo) {
        error = "Say whom you spoke to (a name, or their role at the desk).";
        draw(`#${spokeId}`);
        return;
      }
      error = "";
      try {
        const choice = shown;
        const desk = choice.desk || (choice.number && choice.number === team?.out_of_hours_phone ? "out_of_hours" : "duty");
        await record({ phoned_at: new Date().toISOString(), desk, number: choice.number, spoke_to: spokeTo });
      } catch (err) {
        error = `Not saved on this phone: ${err.message}`;
        draw(`#${spokeId}`);
        return;
      }
      draw("#phoned-line");
      announce(`${callLine(draft().duty_call)}. Saved on this phone; it goes to your team with the concern.`);
    } },
    h("label", { for: spokeId }, "Whom did you speak to?"),
    h("p", { class: "muted", id: `${spokeId}-hint` }, "A name, or their role at the desk. The time is recorded now."),
    error ? h("p", { class: "form-error", role: "alert" }, error) : null,
    input,
    h("button", { type: "submit", class: "btn", id: "phoned" }, "I have phoned"));
    drawCall(deskNow(team));
    replace(box,
      h("h3", { id: "duty-desk-title" }, danger ? "Call 999 now, then the duty desk" : "Phone the duty desk now",
        " ", sourceLabel("practice")),
      // In danger the police come first, as the question's own help says: the largest control.
      danger ? h("p", { class: "calls" }, h("a", { class: "btn btn-call btn-block btn-999", id: "duty-desk-999",
        href: "tel:999" }, "Call 999 now")) : null,
      danger ? h("p", { class: "muted" }, "Then tell your team:") : null,
      callPart,
      h("p", { class: "muted" }, "Because the procedure recommends acting now:"),
      h("ul", { class: "reasons" }, urgentActions.map((a) => h("li", {}, a.title, " ",
        sourceLabel(a.source), a.paragraphs?.length ? citations(a.paragraphs, paragraphs) : null))),
      call ? h("p", { id: "phoned-line", tabindex: "-1", class: "phoned" },
        h("strong", {}, `${callLine(call)}.`), " Saved on this phone; it goes to your team with the concern.")
        : (locked ? null : form));
    if (focus) box.querySelector(focus)?.focus();
  }

  return {
    element: box,
    /** Show or hide for the latest evaluation. */
    update(result, paragraphsById) {
      const urgent = needsDutyDesk(result);
      const before = urgentActions.map((a) => a.action).join();
      const wasDanger = danger;
      danger = result.actions.some((a) => a.action === "call-999");
      urgentActions = result.actions.filter((a) => CALL_NOW.has(a.urgency));
      paragraphs = paragraphsById;
      if (urgent !== !box.hidden || wasDanger !== danger || before !== urgentActions.map((a) => a.action).join()) {
        // Redrawn only when what it says changes: typing in the box is never interrupted.
        const active = box.contains(document.activeElement) ? document.activeElement : null;
        if (!active) draw();
      }
      box.hidden = !urgent;
      if (urgent) recheck(); // shown again after a while hidden: the clock may have moved on
    },
    /** The desk the clock picks now (what the box shows), for the call bar. */
    choice: () => shown || deskNow(team),
    danger: () => danger,
    stop() {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    },
  };
}
