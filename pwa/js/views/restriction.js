// Restricted concerns on the duty desk: an allegation against someone who works with or cares
// for children. Until a manager records why they need it, the server gives only "Restricted
// concern" with urgency and times (403 `restricted` for the concern itself); the reason form
// opens it, and the reason goes to the audit log. A manager marks a concern restricted, or
// lifts the restriction, with a reason too.
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";
import { OFFLINE_TEXT } from "./desk-parts.js";
import { describe, errorLine, errorSummary, showErrors } from "./form-errors.js";

export const isRestricted = (error) => error instanceof api.ApiError && error.status === 403 && error.code === "restricted";

function reasonField(id, label, help) {
  const input = h("textarea", { id, rows: "3", maxlength: "2000", "aria-describedby": `${id}-help` });
  describe(input, id);
  return { input, field: h("div", { class: "field" }, h("label", { for: id }, label),
    h("p", { class: "help", id: `${id}-help` }, help), errorLine(id), input) };
}

/** Sends `call(reason)`; refused or offline, says why on the form and keeps what was typed. */
async function submitReason(summary, input, call) {
  const reason = input.value.trim();
  if (reason.length < 3) {
    showErrors(summary, [{ input, message: "Write why you need this, in a few words." }], { inputs: [input] });
    return null;
  }
  try {
    await api.ensureCsrf();
    return await call(reason);
  } catch (error) {
    const message = error instanceof api.NetworkError ? OFFLINE_TEXT
      : (error.fields?.reason || [error.message]).join(" ");
    showErrors(summary, [{ input, message }], { inputs: [input] });
    return null;
  }
}

/** The page for a restricted concern not yet opened: what it is, and the reason form. */
export function restrictedPage(main, id, opened) {
  const summary = errorSummary("open-errors");
  const { input, field } = reasonField("open-reason", "Why do you need to open this concern?",
    "For example: \"Duty manager today; making the LADO referral\". Your name, the time and this reason are kept in the audit log.");
  const form = h("form", { novalidate: true, "aria-labelledby": "restricted-title" },
    summary, field, h("button", { type: "submit", class: "btn btn-primary-lg" }, "Open the concern"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const done = await submitReason(summary, input, (reason) => api.openRestricted(id, reason));
    if (done) {
      announce("Opened. Your reason is on the record.");
      opened();
    }
  });
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/queue" }, "Back to the queue")),
    h("h1", { id: "restricted-title" }, "Restricted concern"),
    h("p", { class: "notice", id: "restricted-notice" },
      "This concern is restricted: it is about someone who works with or cares for children, or a manager has marked it so. " +
      "Only people who record why they need it can read it, and whoever it is assigned to."),
    form));
  input.focus();
}

/** The restriction card on an opened concern, for a duty manager: mark it, or lift it. */
export function restrictionCard(page, redraw) {
  const { concern } = page;
  const restricted = Boolean(concern.restricted);
  const summary = errorSummary("restrict-errors");
  const { input, field } = restricted
    ? reasonField("restrict-reason", "Why lift the restriction?", "Kept in the audit log with your name.")
    : reasonField("restrict-reason", "Why restrict this concern?",
      "For example: it names a foster carer or a colleague. Others then need a recorded reason to open it.");
  const form = h("form", { novalidate: true, "aria-labelledby": "restrict-title" }, summary, field,
    h("button", { type: "submit", class: "btn btn-secondary", id: restricted ? "lift-restriction" : "restrict" },
      restricted ? "Lift restriction" : "Restrict concern"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const call = restricted ? (reason) => api.liftRestriction(concern.id, reason)
      : (reason) => api.restrictConcern(concern.id, reason);
    const updated = await submitReason(summary, input, call);
    if (updated) {
      page.concern = updated;
      announce(restricted ? "Restriction lifted." : "Concern restricted.");
      page.focus = "#restrict-title";
      redraw();
    }
  });
  const why = concern.restricted_because === "allegation"
    ? "Restricted: the adult of concern works with or cares for children (an allegation)."
    : `Restricted by ${concern.restricted_by?.display_name ?? "a manager"}: ${concern.restricted_reason ?? ""}`;
  return h("section", { class: "card", "aria-labelledby": "restrict-title" },
    h("h2", { id: "restrict-title", tabindex: "-1" }, restricted ? "Restricted concern" : "Restriction"),
    restricted ? h("p", { class: "prewrap", id: "restriction-line" }, why)
      : h("p", { class: "muted" }, "Not restricted: managers of the team and admins can read it."),
    form);
}
