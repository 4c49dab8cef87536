// The duty manager's forms on a concern page: update a recommended action, assign, the decision
// note, close with an outcome. The page redraws from the server's answer after every step, so
// what is typed lives in `page.drafts` (kept as it is typed) and each form is rebuilt from it:
// saving one form never wipes another, and a refused step leaves its form open with the text.
// A refusal is shown on its own form (form-errors.js): a summary at its top, each message
// beside its field.
import * as api from "../api.js";
import { h } from "../dom.js";
import { ACTION_STATE, OFFLINE_TEXT } from "./desk-parts.js";
import { clearErrors, describe, errorLine, errorSummary, showErrors } from "./form-errors.js";

export function emptyDrafts() {
  return { decision: null, outcome: null, assignee: null, actions: {} };
}

// Ids stay the same from one drawing to the next, so the summary's links and focus find them.
export const actionBase = (action) => `act-${action.action}`;

/** A textarea or input that keeps what is typed in `drafts[key]` (null: not typed yet). */
function kept(el, holder, key, initial) {
  el.value = holder[key] ?? initial ?? "";
  el.addEventListener("input", () => { holder[key] = el.value; });
  return el;
}

function field(id, label, input, help = null) {
  describe(input, id);
  return h("div", { class: "field" }, h("label", { for: id }, label), help, errorLine(id), input);
}

export function actionForm(page, action, step) {
  const { concern } = page;
  const base = actionBase(action);
  const draft = page.drafts.actions[action.action] ||= { open: false, state: null, note: null, reference: null };
  const name = `${base}-choice`;
  const choice = (value) => h("label", { class: "option" },
    h("input", { type: "radio", name, value, id: `${base}-${value}`, checked: (draft.state ?? action.state) === value,
      onchange: () => { draft.state = value; } }), ACTION_STATE[value]);
  const reference = kept(h("input", { type: "text", id: `${base}-ref`, maxlength: "120", autocomplete: "off" }),
    draft, "reference", action.reference);
  const note = kept(h("textarea", { id: `${base}-note`, rows: "2", maxlength: "2000" }), draft, "note", action.note);
  const form = h("form", { class: "action-form", "aria-labelledby": `${base}-title`, novalidate: true },
    errorSummary(`${base}-errors`),
    h("fieldset", { id: `${base}-state-field` }, h("legend", {}, "Where it stands"),
      errorLine(`${base}-to_do`),
      h("div", { class: "options" }, ["to_do", "done", "not_needed"].map(choice))),
    field(`${base}-ref`, "Reference (optional, e.g. police or IWF)", reference),
    field(`${base}-note`, "Note, or why it is not needed", note),
    h("button", { type: "submit", class: "btn" }, "Save"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = form.querySelector(`input[name="${name}"]:checked`)?.value || action.state;
    if (state === "not_needed" && !note.value.trim()) {
      page.refusal = { form: base, errors: [{ field: `${base}-note`, message: "Say why this action is not needed." }] };
      page.applyRefusal();
      return;
    }
    step(`${action.title}: ${ACTION_STATE[state].toLowerCase()}.`,
      () => api.updateAction(concern.id, action.action, { state, note: note.value, reference: reference.value }),
      { focus: `[data-action="${CSS.escape(action.action)}"] .action-state`, form: base,
        fields: { note: `${base}-note`, reference: `${base}-ref`, state: `${base}-to_do` },
        done: () => { delete page.drafts.actions[action.action]; } });
  });
  const details = h("details", { class: "action-edit", open: draft.open },
    h("summary", { id: `${base}-edit` }, `Update: ${action.title}`), form);
  details.addEventListener("toggle", () => { draft.open = details.open; });
  return details;
}

export function assignCard(page, step) {
  const { concern, people } = page;
  if (!people) return h("section", { class: "card", "aria-labelledby": "assign-title" },
    h("h2", { id: "assign-title" }, "Assign"), h("p", { class: "muted" }, "The team's people could not be loaded."));
  const select = h("select", { id: "assignee", onchange: () => { page.drafts.assignee = select.value; } },
    h("option", { value: "" }, "Choose a person"),
    people.map((p) => h("option", { value: String(p.id) }, p.display_name)));
  select.value = page.drafts.assignee ?? (concern.assigned_to ? String(concern.assigned_to.id) : "");
  return h("section", { class: "card", "aria-labelledby": "assign-title" },
    h("h2", { id: "assign-title" }, concern.assigned_to ? "Hand over" : "Assign"),
    errorSummary("assign-errors"),
    field("assignee", "Who takes it on", select),
    h("button", { type: "button", class: "btn", id: "assign",
      onclick: () => {
        if (!select.value) {
          page.refusal = { form: "assign", errors: [{ field: "assignee", message: "Choose who takes it on." }] };
          page.applyRefusal();
          return;
        }
        const person = people.find((p) => String(p.id) === select.value);
        step(`Assigned to ${person.display_name}.`, () => api.assign(concern.id, Number(select.value)),
          { focus: "#assigned-line", form: "assign", fields: { user: "assignee" },
            done: () => { page.drafts.assignee = null; } });
      } }, concern.assigned_to ? "Hand over" : "Assign"));
}

export function decisionCard(page, editable, step) {
  const { concern } = page;
  if (!editable) {
    return concern.decision ? h("section", { class: "card", "aria-labelledby": "decision-title" },
      h("h2", { id: "decision-title" }, "Decision"), h("p", { class: "prewrap" }, concern.decision)) : null;
  }
  const text = kept(h("textarea", { id: "decision", rows: "3", maxlength: "8000" }), page.drafts, "decision", concern.decision);
  return h("section", { class: "card", "aria-labelledby": "decision-title" },
    h("h2", { id: "decision-title" }, "Decision"),
    errorSummary("decision-errors"),
    field("decision", "What you decided, and why", text),
    h("button", { type: "button", class: "btn btn-secondary", id: "save-decision",
      onclick: () => {
        if (!text.value.trim()) {
          page.refusal = { form: "decision", errors: [{ field: "decision", message: "Write the decision before saving it." }] };
          page.applyRefusal();
          return;
        }
        step("Decision saved.", () => api.decide(concern.id, text.value),
          { focus: "#decision", form: "decision", fields: { decision: "decision" },
            done: () => { page.drafts.decision = null; } });
      } }, "Save decision"));
}

export function closeCard(page, step) {
  const { concern } = page;
  const toDo = (concern.tracked_actions || []).filter((a) => a.state === "to_do");
  const text = kept(h("textarea", { id: "outcome", rows: "3", maxlength: "8000", "aria-describedby": "close-help" }),
    page.drafts, "outcome", "");
  return h("section", { class: "card", "aria-labelledby": "close-title" },
    h("h2", { id: "close-title" }, "Close"),
    errorSummary("close-errors"),
    h("p", { class: "help", id: "close-help" }, toDo.length
      ? `${toDo.length} recommended action${toDo.length === 1 ? " is" : "s are"} still to do: mark each done or not needed first.`
      : "Every recommended action is marked. Record the outcome to close."),
    field("outcome", "Outcome", text),
    h("button", { type: "button", class: "btn", id: "close",
      onclick: () => {
        if (!text.value.trim()) {
          page.refusal = { form: "close", errors: [{ field: "outcome", message: "Write the outcome before closing the concern." }] };
          page.applyRefusal();
          return;
        }
        step("Closed.", () => api.closeConcern(concern.id, text.value),
          { focus: "#concern-status", form: "close", fields: { outcome: "outcome" },
            // Refused because actions are still to do: a link to each one's form.
            more: (error) => (error.code === "actions_to_do" ? (page.concern.tracked_actions || [])
              .filter((a) => a.state === "to_do")
              .map((a) => ({ field: `${actionBase(a)}-edit`, message: `Mark “${a.title}” done or not needed.` })) : []),
            done: () => { page.drafts.outcome = null; } });
      } }, "Close concern"));
}

/** What a failed step shows: the server's fields placed on the form's inputs (by id). */
export function refusalOf(error, { form, fields = {}, more = () => [] }) {
  const offline = error instanceof api.NetworkError;
  const items = [];
  if (!offline) {
    for (const [name, messages] of Object.entries(error.fields || {})) {
      items.push({ field: fields[name] ?? null, message: messages.join(" ") });
    }
    items.push(...more(error));
  }
  if (!items.length) return { form, title: "There is a problem", errors: [{ field: null, message: offline ? OFFLINE_TEXT : error.message }] };
  return { form, title: error.message, errors: items };
}

/** Draws `page.refusal` on its form, in the page as it now is, and focuses its summary. */
export function drawRefusal(root, refusal, { focus = true } = {}) {
  // One refusal at a time: the one before it, on whichever form, is gone.
  for (const shown of root.querySelectorAll(".error-summary")) clearErrors(shown, [...root.querySelectorAll("[aria-invalid]")]);
  const summary = root.querySelector(`#${CSS.escape(`${refusal.form}-errors`)}`) || root.querySelector("#step-errors");
  if (!summary) return;
  const errors = refusal.errors.map(({ field: id, message }) => ({
    input: id ? root.querySelector(`#${CSS.escape(id)}`) : null, message }));
  showErrors(summary, errors, { title: refusal.title || "There is a problem", focus });
}
