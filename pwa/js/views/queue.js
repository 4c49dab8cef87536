// The duty manager's queue and one concern, read from the concerns API. Managers' data is
// not kept on the phone: these pages need a connection.
import { alertsCard } from "../alerts.js";
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";
import * as procedure from "../procedure.js";
import { actionItem, urgencyBadge } from "./actions.js";

const STATUS = { submitted: "New", acknowledged: "Acknowledged", decided: "Decided", draft: "Draft" };

function offlinePage(main, title, retry) {
  replace(main, h("div", { class: "page" }, h("h1", {}, title),
    h("p", { class: "notice" }, "You are offline. The queue needs a connection."),
    h("button", { type: "button", class: "btn", onclick: retry }, "Try again")));
}

export async function renderQueue(main, ctx) {
  let data;
  try {
    data = await api.concerns();
  } catch (error) {
    if (error instanceof api.NetworkError) return offlinePage(main, "Concern queue", () => renderQueue(main, ctx));
    throw error;
  }
  const concerns = data.concerns.filter((c) => c.status !== "draft");
  replace(main, h("div", { class: "page" },
    h("h1", {}, "Concern queue"),
    h("p", { class: "muted" }, `${ctx.user.team?.name ?? ""} team · ${concerns.length} concern${concerns.length === 1 ? "" : "s"}`),
    alertsCard(ctx.user), // turning push alerts on here, after a tap (issue 6)
    concerns.length ? h("ul", { class: "queue" }, concerns.map((c) => h("li", { class: "queue-item" },
      h("a", { href: `/concerns/${encodeURIComponent(c.id)}`, class: "queue-link" },
        h("span", { class: "queue-top" },
          c.urgency ? urgencyBadge(c.urgency) : h("span", { class: "badge badge-none" }, "No action"),
          h("span", { class: "queue-ref" }, c.case_reference)),
        h("span", { class: "muted" },
          `${STATUS[c.status] || c.status} · ${c.author.display_name} · ${when(c.submitted_at || c.updated_at)}`)))))
      : h("p", { class: "card empty" }, "No concerns in your team's queue.")));
}

export async function renderConcern(main, ctx) {
  let concern;
  try {
    concern = await api.concern(ctx.params[0]);
  } catch (error) {
    if (error instanceof api.NetworkError) return offlinePage(main, "Concern", () => renderConcern(main, ctx));
    if (error.status === 404 || error.status === 403) {
      replace(main, h("div", { class: "page" }, h("h1", {}, "Concern not found"),
        h("a", { href: "/queue", class: "btn" }, "Back to the queue")));
      return;
    }
    throw error;
  }
  // Shown under the version it was made with, as the author saw it.
  const document = await procedure.version(concern.procedure, concern.procedure_version);
  const paragraphs = procedure.paragraphsById(document);
  const rows = procedure.questions(document).filter((q) => q.id in concern.answers)
    .map((q) => h("div", { class: "answer" }, h("dt", {}, q.label), h("dd", {}, show(q, concern.answers[q.id]))));
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/queue" }, "Back to the queue")),
    h("h1", {}, `Concern ${concern.case_reference}`),
    h("p", { class: "queue-top" }, concern.urgency ? urgencyBadge(concern.urgency) : null,
      h("span", {}, `${STATUS[concern.status] || concern.status} · ${concern.author.display_name} · ${when(concern.submitted_at || concern.updated_at)}`)),
    h("p", { class: "muted" }, `Made under ${document.title}, version ${concern.procedure_version}.`),
    h("section", { class: "card", "aria-labelledby": "rec-title" },
      h("h2", { id: "rec-title" }, "Recommended actions"),
      concern.actions.length ? h("ol", { class: "actions" }, concern.actions.map((a) => actionItem(a, paragraphs)))
        : h("p", {}, "None.")),
    h("section", { class: "card", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title" }, "Answers"), h("dl", { class: "answers" }, rows)),
    concern.notes ? h("section", { class: "card", "aria-labelledby": "notes-title" },
      h("h2", { id: "notes-title" }, "Notes"), h("p", { class: "prewrap" }, concern.notes)) : null));
}

function show(question, value) {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  const label = (v) => question.options?.find((o) => o.value === v)?.label ?? String(v);
  if (Array.isArray(value)) return value.length ? value.map(label).join(", ") : "None";
  return label(value);
}
