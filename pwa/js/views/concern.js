// One concern on the duty desk: the answers and the recommendations made at submission,
// and the manager's steps — acknowledge (a tap on the page's button, never by opening a link), assign,
// each recommended action to done or not needed, the decision note, close with an outcome.
// Every step is a request to the server (backend/concerns/lifecycle.py), which says no (409)
// to a step that no longer fits; the page then shows where the concern now stands.
import * as api from "../api.js";
import { can, MANAGE_CONCERNS } from "../capabilities.js";
import { announce, h, replace, when } from "../dom.js";
import { Status } from "../names.js";
import { conditionLine, urgencyBadge } from "./actions.js";
import { callLine } from "./duty-desk.js";
import {
  actionBase, actionForm, assignCard, closeCard, decisionCard, drawRefusal, emptyDrafts, refusalOf,
} from "./concern-forms.js";
import {
  actionStateLine, answerRows, chronologyPath, gapsSection, loadConcern, madeUnder,
  procedureFor, statusBadge, watchConnection,
} from "./desk-parts.js";
import { errorSummary, keepFocusInView } from "./form-errors.js";
import { citations } from "./questions.js";
import { restrictionCard } from "./restriction.js";

export async function render(main, ctx) {
  const id = ctx.params[0];
  const concern = await loadConcern(main, id, "Concern", () => render(main, ctx));
  if (!concern) return;
  const { document, paragraphs } = await procedureFor(concern);
  // `drafts`: what is typed and not yet saved, kept across redraws; `refusal`: the last step's
  // errors, drawn on the form that made it.
  const page = { concern, document, paragraphs, people: null, focus: null, drafts: emptyDrafts(), refusal: null };
  const connection = h("div", {});
  const body = h("div", {});
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/queue", class: "back-link" }, "Back to the queue")),
    h("h1", {}, `Concern ${concern.case_reference}`),
    connection, body));
  ctx.onLeave(watchConnection(connection));
  ctx.onLeave(keepFocusInView(main));

  const manager = can(ctx.user, MANAGE_CONCERNS);
  if (manager) page.people = await api.assignees(id).then((r) => r.people).catch(() => null);

  // `moved`: after the manager's own step (focus follows it), not a refresh from an alert.
  const redraw = (moved = true) => {
    replace(body, ...content(page, manager, step));
    if (page.refusal) drawRefusal(body, page.refusal, { focus: moved });
    else if (moved && page.focus) body.querySelector(page.focus)?.focus();
    page.focus = null;
  };
  page.applyRefusal = () => drawRefusal(body, page.refusal);
  page.redraw = redraw;

  // One step: call the server, show the concern it returns, say what happened. Refused, the
  // form keeps what was typed and says why beside it.
  async function step(label, call, { focus, form = "step", fields = {}, more, done } = {}) {
    page.refusal = null;
    try {
      await api.ensureCsrf();
      page.concern = await call();
      done?.();
      announce(label);
    } catch (error) {
      page.refusal = refusalOf(error, { form, fields, more });
      if (error.status === 409) {
        // Someone else (or a double tap) moved it on: show where it stands now.
        page.concern = await api.concern(id).catch(() => page.concern);
      }
    }
    page.focus = focus;
    redraw();
  }

  const reload = async () => {
    try {
      page.concern = await api.concern(id);
      redraw(false);
    } catch (error) {
      console.warn("concern not refreshed", error);
    }
  };
  window.addEventListener("safevisit:alert", reload);
  ctx.onLeave(() => window.removeEventListener("safevisit:alert", reload));
  redraw();

  // Opened from the notification's "Open to acknowledge" (or any link with ?acknowledge=1):
  // the page acts on nothing by itself — a link anyone can send must not acknowledge for the
  // manager. It says what is asked, beside the Acknowledge button at the top of the page
  // (focus goes to the heading, as on every page, so the page is announced first).
  if (new URLSearchParams(window.location.search).get("acknowledge") === "1") {
    history.replaceState(null, "", window.location.pathname);
    if (manager && page.concern.status === Status.SUBMITTED) {
      page.prompt = true;
      redraw(false);
    }
  }
}

function content(page, manager, step) {
  const { concern, document, paragraphs } = page;
  const open = concern.status !== Status.CLOSED;
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
      concern.status === Status.CLOSED ? h("p", { class: "muted" },
        `Closed ${when(concern.closed_at)} by ${concern.closed_by?.display_name ?? ""}.`) : null),
    errorSummary("step-errors"),
    manager && concern.status === Status.SUBMITTED && page.prompt ? h("p", { class: "notice", id: "acknowledge-prompt" },
      "You opened this from an alert. It is not acknowledged until you tap Acknowledge.") : null,
    manager && concern.status === Status.SUBMITTED ? h("button", {
      type: "button", class: "btn btn-block btn-primary-lg", id: "acknowledge",
      "aria-describedby": page.prompt ? "acknowledge-prompt" : null,
      onclick: (event) => { event.target.disabled = true; step("Acknowledged. Escalation stopped.", () => api.acknowledge(concern.id), { focus: "#concern-status" }); },
    }, "Acknowledge") : null,
    h("p", { class: "desk-links" },
      h("a", { href: chronologyPath(concern.case_reference) }, "Chronology for this case"),
      h("a", { href: `/concerns/${encodeURIComponent(concern.id)}/pack` }, "Meeting pack (print)"),
      h("a", { href: `/concerns/${encodeURIComponent(concern.id)}/versions` }, "Versions of this record")),
    h("section", { class: "card", "aria-labelledby": "rec-title" },
      h("h2", { id: "rec-title" }, "Recommended actions"),
      h("p", { class: "muted" }, "The procedure recommends; you decide and record why. These were worked out when the concern was submitted."),
      tracked.length ? h("ol", { class: "actions" }, tracked.map((a) => trackedItem(page, a, manager && open, step)))
        : h("p", {}, "None.")),
    gapsSection(concern, "gaps-title"),
    manager && open ? assignCard(page, step) : null,
    manager ? restrictionCard(page, () => page.redraw()) : null,
    decisionCard(page, manager && open, step),
    manager && open ? closeCard(page, step) : outcomeCard(concern),
    h("section", { class: "card", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title" }, "Answers"), h("dl", { class: "answers" }, answerRows(document, concern.answers))),
    concern.notes ? h("section", { class: "card", "aria-labelledby": "notes-title" },
      h("h2", { id: "notes-title" }, "Notes"), h("p", { class: "prewrap" }, concern.notes)) : null,
  ];
}

function trackedItem(page, action, editable, step) {
  const base = actionBase(action);
  const stateLine = h("p", { class: `action-state state-${action.state}`, id: `${base}-state` },
    h("strong", {}, actionStateLine(action)));
  return h("li", { class: `action action-${action.urgency}`, "data-action": action.action },
    h("div", { class: "action-head" }, urgencyBadge(action.urgency),
      h("h3", { class: "action-title", id: `${base}-title` }, action.title)),
    conditionLine(action),
    stateLine,
    action.note ? h("p", { class: "prewrap" }, `${action.state === "not_needed" ? "Why not needed" : "Note"}: ${action.note}`) : null,
    h("ul", { class: "reasons" }, action.reasons.map((r) => h("li", {}, r.why))),
    citations(action.paragraphs.filter((p) => page.paragraphs[p]), page.paragraphs),
    editable ? actionForm(page, action, step) : null);
}

function outcomeCard(concern) {
  return concern.outcome ? h("section", { class: "card", "aria-labelledby": "outcome-title" },
    h("h2", { id: "outcome-title" }, "Outcome"), h("p", { class: "prewrap" }, concern.outcome)) : null;
}
