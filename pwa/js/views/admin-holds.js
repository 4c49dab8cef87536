// A concern's legal hold on the Records screen: its state (since when, why, placed by whom),
// and placing or lifting it with a reason, asked first. The server checks the reason (3 to
// 2,000 characters) and its refusal is shown beside the field; a hold placed or lifted
// meanwhile by someone else (409 already_held / not_held) is said in words and the state redrawn.
import * as api from "../api.js";
import { announce, confirmDialog, h, replace, when } from "../dom.js";
import { clearErrors, field, OFFLINE, showErrors } from "./admin-parts.js";

const CHANGED_MEANWHILE = {
  already_held: "This concern is already under legal hold: someone placed the hold meanwhile. Its state is shown again below.",
  not_held: "This concern is not under legal hold: the hold was lifted meanwhile. Its state is shown again below.",
};

/** One line for a hold's state, as the case's list of concerns shows it. */
export const holdSummary = (hold) => (hold.held ? `Under legal hold since ${when(hold.placed_at)}` : "Not under legal hold");

function stateFacts(hold) {
  if (!hold.held) return h("p", { id: "hold-state", class: "hold-state" }, "Not under legal hold: the retention schedule applies to it as to any other concern.");
  return h("dl", { id: "hold-state", class: "facts hold-state" },
    h("div", {}, h("dt", {}, "State"), h("dd", {}, "Under legal hold: never removed by the retention schedule")),
    h("div", {}, h("dt", {}, "Held since"), h("dd", { id: "hold-since" }, when(hold.placed_at))),
    hold.placed_by ? h("div", {}, h("dt", {}, "Placed by"), h("dd", {}, hold.placed_by)) : null,
    h("div", {}, h("dt", {}, "Reason"), h("dd", { id: "hold-reason-shown" }, hold.reason)));
}

/**
 * Draws the hold of concern `id` into `panel` (reading it from the server first unless `hold`
 * is given). `changed(hold)` is told of every new state, so a list showing it can follow.
 */
export async function drawHold(panel, id, { hold, changed = () => {}, notice = null } = {}) {
  const formError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });
  if (!hold) {
    try {
      hold = await api.legalHold(id);
    } catch (error) {
      replace(panel, h("p", { class: "notice", role: "alert", id: "hold-lookup-error" },
        error instanceof api.NetworkError ? OFFLINE : error.message));
      return null;
    }
  }
  changed(hold);
  const reason = h("textarea", { rows: "3", maxlength: "2000", autocomplete: "off" });
  const inputs = { reason };
  const verb = hold.held ? "Lift legal hold" : "Place legal hold";

  async function submit(event) {
    event.preventDefault();
    const text = reason.value.trim();
    const ok = await confirmDialog(hold.held
      ? { title: "Lift the legal hold?", confirm: "Lift hold", danger: true,
        body: "The retention schedule then applies to this concern again: once it is past its time, the next purge removes it. Your reason is kept in the audit log." }
      : { title: "Place a legal hold?", confirm: "Place hold",
        body: "This concern, its audit entries and alert records are then never removed by the retention schedule until the hold is lifted. Your reason is kept in the audit log." });
    if (!ok) return;
    let answer;
    try {
      answer = hold.held ? await api.liftLegalHold(hold.concern_id, text) : await api.placeLegalHold(hold.concern_id, text);
    } catch (error) {
      if (error.status === 409 && CHANGED_MEANWHILE[error.code]) {
        await drawHold(panel, hold.concern_id, { changed, notice: CHANGED_MEANWHILE[error.code] });
        return;
      }
      showErrors(formError, error, inputs);
      return;
    }
    clearErrors(formError, inputs);
    const said = answer.held ? `Concern ${answer.concern_id} is now under legal hold.` : `The legal hold on concern ${answer.concern_id} is lifted.`;
    await drawHold(panel, answer.concern_id, { hold: answer, changed });
    announce(said);
  }

  replace(panel, h("section", { class: "card", "aria-labelledby": "hold-title", id: "hold-card" },
    h("h3", { id: "hold-title", tabindex: "-1" }, "Legal hold on concern ", h("code", {}, hold.concern_id)),
    notice ? h("p", { class: "notice", role: "alert", id: "hold-notice" }, notice) : null,
    stateFacts(hold),
    h("form", { class: "form", onsubmit: submit, novalidate: true, "aria-label": verb },
      formError,
      field("hold-reason", hold.held ? "Why the hold is lifted" : "Why it is held", reason,
        "Litigation, an inquiry or a complaint, with its reference if it has one: 3 to 2,000 characters. Kept in the audit log."),
      h("button", { type: "submit", class: hold.held ? "btn btn-danger" : "btn" }, verb))));
  return hold;
}
