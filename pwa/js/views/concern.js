// One concern on the duty desk: the answers and the recommendations made at submission,
// and the manager's steps — acknowledge (one tap, or the notification's Acknowledge), assign,
// each recommended action to done or not needed, the decision note, close with an outcome.
// Every step is a request to the server (backend/concerns/lifecycle.py), which says no (409)
// to a step that no longer fits; the page then shows where the concern now stands.
import * as api from "../api.js";
import { can, MANAGE_CONCERNS } from "../capabilities.js";
import { announce, h, replace, uid, when } from "../dom.js";
import { conditionLine, urgencyBadge } from "./actions.js";
import { callLine } from "./duty-desk.js";
import {
  ACTION_STATE, actionStateLine, answerRows, chronologyPath, gapsSection, loadConcern, madeUnder,
  procedureFor, statusBadge, stepError, watchConnection,
} from "./desk-parts.js";
import { citations } from "./questions.js";

export async function render(main, ctx) {
  const id = ctx.params[0];
  const concern = await loadConcern(main, id, "Concern", () => render(main, ctx));
  if (!concern) return;
  const { document, paragraphs } = await procedureFor(concern);
  const page = { concern, document, paragraphs, people: null, error: null, focus: null };
  const connection = h("div", {});
  const body = h("div", {});
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/queue" }, "Back to the queue")),
    h("h1", {}, `Concern ${concern.case_reference}`),
    connection, body));
  ctx.onLeave(watchConnection(connection));

  const manager = can(ctx.user, MANAGE_CONCERNS);
  if (manager) page.people = await api.assignees(id).then((r) => r.people).catch(() => null);

  const redraw = () => {
    replace(body, ...content(page, manager, step));
    if (page.focus) body.querySelector(page.focus)?.focus();
    page.focus = null;
  };

  // One step: call the server, show the concern it returns, say what happened.
  async function step(label, call, focus) {
    page.error = null;
    try {
      await api.ensureCsrf();
      page.concern = await call();
      announce(label);
    } catch (error) {
      page.error = stepError(error);
      announce(page.error);
      if (error.status === 409) {
        // Someone else (or a double tap) moved it on: show where it stands now.
        page.concern = await api.concern(id).catch(() => page.concern);
      }
    }
    page.focus = page.error ? "#step-error" : focus;
    redraw();
  }

  const reload = async () => {
    try {
      page.concern = await api.concern(id);
      redraw();
    } catch (error) {
      console.warn("concern not refreshed", error);
    }
  };
  window.addEventListener("safevisit:alert", reload);
  ctx.onLeave(() => window.removeEventListener("safevisit:alert", reload));
  redraw();

  // Opened from the notification's Acknowledge action: that tap was the one tap.
  if (new URLSearchParams(window.location.search).get("acknowledge") === "1") {
    history.replaceState(null, "", window.location.pathname);
    if (manager && page.concern.status === "submitted") {
      await step("Acknowledged.", () => api.acknowledge(id), "#concern-status");
    }
  }
}

function content(page, manager, step) {
  const { concern, document, paragraphs } = page;
  const open = concern.status !== "closed";
  const tracked = concern.tracked_actions || [];
  const overdue = tracked.filter((a) => a.overdue).length;
  return [
    h("div", { class: "concern-header", id: "concern-status", tabindex: "-1" },
      h("p", { class: "queue-top" }, concern.urgency ? urgencyBadge(concern.urgency) : null,
        statusBadge(concern.status),
        overdue ? h("span", { class: "badge badge-overdue" }, `${overdue} overdue action${overdue === 1 ? "" : "s"}`) : null),
      h("p", { class: "muted" }, `Submitted ${when(concern.submitted_at)} by ${concern.author.display_name}. ` +
        `Made under ${madeUnder(document)}.`),
      // The worker's "I have phoned", recorded on their phone (often with no signal).
      concern.duty_call ? h("p", { class: "notice phoned", id: "phoned-line" },
        h("strong", {}, `${callLine(concern.duty_call)}.`),
        ` Recorded by ${concern.author.display_name}` +
        (concern.duty_call.number ? ` (${concern.duty_call.number}).` : ".")) : null,
      concern.acknowledged_by ? h("p", { class: "muted" },
        `Acknowledged ${when(concern.acknowledged_at)} by ${concern.acknowledged_by.display_name}.`) : null,
      concern.assigned_to ? h("p", { class: "muted", id: "assigned-line" },
        `With ${concern.assigned_to.display_name} since ${when(concern.assigned_at)}.`) : null,
      concern.status === "closed" ? h("p", { class: "muted" },
        `Closed ${when(concern.closed_at)} by ${concern.closed_by?.display_name ?? ""}.`) : null),
    page.error ? h("p", { class: "notice notice-danger", role: "alert", id: "step-error", tabindex: "-1" }, page.error) : null,
    manager && concern.status === "submitted" ? h("button", {
      type: "button", class: "btn btn-block btn-primary-lg", id: "acknowledge",
      onclick: (event) => { event.target.disabled = true; step("Acknowledged. Escalation stopped.", () => api.acknowledge(concern.id), "#concern-status"); },
    }, "Acknowledge") : null,
    h("p", { class: "desk-links" },
      h("a", { href: chronologyPath(concern.case_reference) }, "Chronology for this case"),
      h("a", { href: `/concerns/${encodeURIComponent(concern.id)}/pack` }, "Meeting pack (print)")),
    h("section", { class: "card", "aria-labelledby": "rec-title" },
      h("h2", { id: "rec-title" }, "Recommended actions"),
      h("p", { class: "muted" }, "The procedure recommends; you decide and record why. These were worked out when the concern was submitted."),
      tracked.length ? h("ol", { class: "actions" }, tracked.map((a) => trackedItem(concern, a, paragraphs, manager && open, step)))
        : h("p", {}, "None.")),
    gapsSection(concern, "gaps-title"),
    manager && open ? assignCard(concern, page.people, step) : null,
    decisionCard(concern, manager && open, step),
    manager && open ? closeCard(concern, step) : outcomeCard(concern),
    h("section", { class: "card", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title" }, "Answers"), h("dl", { class: "answers" }, answerRows(document, concern.answers))),
    concern.notes ? h("section", { class: "card", "aria-labelledby": "notes-title" },
      h("h2", { id: "notes-title" }, "Notes"), h("p", { class: "prewrap" }, concern.notes)) : null,
  ];
}

function trackedItem(concern, action, paragraphs, editable, step) {
  const base = uid(`act-${action.action}`);
  const stateLine = h("p", { class: `action-state state-${action.state}`, id: `${base}-state` },
    h("strong", {}, actionStateLine(action)));
  const form = editable ? actionForm(concern, action, base, step) : null;
  return h("li", { class: `action action-${action.urgency}`, "data-action": action.action },
    h("div", { class: "action-head" }, urgencyBadge(action.urgency),
      h("h3", { class: "action-title", id: `${base}-title` }, action.title)),
    conditionLine(action),
    stateLine,
    action.note ? h("p", { class: "prewrap" }, `${action.state === "not_needed" ? "Why not needed" : "Note"}: ${action.note}`) : null,
    h("ul", { class: "reasons" }, action.reasons.map((r) => h("li", {}, r.why))),
    citations(action.paragraphs.filter((p) => paragraphs[p]), paragraphs),
    form);
}

function actionForm(concern, action, base, step) {
  const name = `${base}-choice`;
  const choice = (value) => h("label", { class: "option" },
    h("input", { type: "radio", name, value, checked: action.state === value }), ACTION_STATE[value]);
  const reference = h("input", { type: "text", id: `${base}-ref`, maxlength: "120", value: action.reference || "",
    autocomplete: "off" });
  const note = h("textarea", { id: `${base}-note`, rows: "2", maxlength: "2000" });
  note.value = action.note || "";
  const form = h("form", { class: "action-form", "aria-labelledby": `${base}-title` },
    h("fieldset", {}, h("legend", {}, "Where it stands"), h("div", { class: "options" }, ["to_do", "done", "not_needed"].map(choice))),
    h("div", { class: "field" }, h("label", { for: `${base}-ref` }, "Reference (optional, e.g. police or IWF)"), reference),
    h("div", { class: "field" }, h("label", { for: `${base}-note` }, "Note, or why it is not needed"), note),
    h("button", { type: "submit", class: "btn" }, "Save"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = form.querySelector(`input[name="${name}"]:checked`)?.value || action.state;
    step(`${action.title}: ${ACTION_STATE[state].toLowerCase()}.`,
      () => api.updateAction(concern.id, action.action, { state, note: note.value, reference: reference.value }),
      `[data-action="${CSS.escape(action.action)}"] .action-state`);
  });
  return h("details", { class: "action-edit" }, h("summary", {}, `Update: ${action.title}`), form);
}

function assignCard(concern, people, step) {
  if (!people) return h("section", { class: "card", "aria-labelledby": "assign-title" },
    h("h2", { id: "assign-title" }, "Assign"), h("p", { class: "muted" }, "The team's people could not be loaded."));
  const select = h("select", { id: "assignee" },
    h("option", { value: "" }, "Choose a person"),
    people.map((p) => h("option", { value: String(p.id), selected: concern.assigned_to?.id === p.id }, p.display_name)));
  return h("section", { class: "card", "aria-labelledby": "assign-title" },
    h("h2", { id: "assign-title" }, concern.assigned_to ? "Hand over" : "Assign"),
    h("div", { class: "field" }, h("label", { for: "assignee" }, "Who takes it on"), select),
    h("button", { type: "button", class: "btn", id: "assign",
      onclick: () => {
        if (!select.value) { announce("Choose a person first."); select.focus(); return; }
        const person = people.find((p) => String(p.id) === select.value);
        step(`Assigned to ${person.display_name}.`, () => api.assign(concern.id, Number(select.value)), "#assigned-line");
      } }, concern.assigned_to ? "Hand over" : "Assign"));
}

function decisionCard(concern, editable, step) {
  if (!editable) {
    return concern.decision ? h("section", { class: "card", "aria-labelledby": "decision-title" },
      h("h2", { id: "decision-title" }, "Decision"), h("p", { class: "prewrap" }, concern.decision)) : null;
  }
  const text = h("textarea", { id: "decision", rows: "3", maxlength: "8000" });
  text.value = concern.decision || "";
  return h("section", { class: "card", "aria-labelledby": "decision-title" },
    h("h2", { id: "decision-title" }, "Decision"),
    h("div", { class: "field" }, h("label", { for: "decision" }, "What you decided, and why"), text),
    h("button", { type: "button", class: "btn btn-secondary", id: "save-decision",
      onclick: () => {
        if (!text.value.trim()) { announce("Write the decision first."); text.focus(); return; }
        step("Decision saved.", () => api.decide(concern.id, text.value), "#decision");
      } }, "Save decision"));
}

function closeCard(concern, step) {
  const toDo = (concern.tracked_actions || []).filter((a) => a.state === "to_do").length;
  const text = h("textarea", { id: "outcome", rows: "3", maxlength: "8000", "aria-describedby": "close-help" });
  return h("section", { class: "card", "aria-labelledby": "close-title" },
    h("h2", { id: "close-title" }, "Close"),
    h("p", { class: "help", id: "close-help" }, toDo
      ? `${toDo} recommended action${toDo === 1 ? " is" : "s are"} still to do: mark each done or not needed first.`
      : "Every recommended action is marked. Record the outcome to close."),
    h("div", { class: "field" }, h("label", { for: "outcome" }, "Outcome"), text),
    h("button", { type: "button", class: "btn", id: "close",
      onclick: () => {
        if (!text.value.trim()) { announce("Write the outcome first."); text.focus(); return; }
        step("Closed.", () => api.closeConcern(concern.id, text.value), "#concern-status");
      } }, "Close concern"));
}

function outcomeCard(concern) {
  return concern.outcome ? h("section", { class: "card", "aria-labelledby": "outcome-title" },
    h("h2", { id: "outcome-title" }, "Outcome"), h("p", { class: "prewrap" }, concern.outcome)) : null;
}
