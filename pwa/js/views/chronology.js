// A case's chronology (GET /api/cases/<case_reference>/chronology): every concern about the
// case reference that this manager may see, and each thing that happened to it, in time order.
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";
import { ACTION_STATE, offlinePage, STATUS, statusBadge, watchConnection } from "./desk-parts.js";

const KIND = {
  submitted: "Concern submitted", addendum: "Addendum added", acknowledged: "Acknowledged",
  assigned: "Assigned", action: "Recommended action updated", decision: "Decision recorded",
  closed: "Closed", phoned: "Phoned the duty desk", alert_sent: "Alert sent", escalated: "Escalated: nobody had acknowledged it",
};

// The steps of the escalation chain (backend/push/escalation_chain.py).
const ESCALATION_STEP = { secondary: "To the secondary on call", team: "To every manager of the team", admins: "To the admins" };

export async function render(main, ctx) {
  const caseReference = decodeURIComponent(ctx.params[0]);
  let data;
  try {
    data = await api.chronology(caseReference);
  } catch (error) {
    if (error instanceof api.NetworkError) return offlinePage(main, `Chronology ${caseReference}`, () => render(main, ctx));
    if (error.status === 403 && error.code === "restricted") {
      replace(main, h("div", { class: "page" }, h("h1", {}, "Chronology restricted"),
        h("p", { id: "restricted-notice" }, "A concern about this case is restricted. Open that concern and record why you need it first; then the chronology opens."),
        h("a", { href: "/queue", class: "btn" }, "Back to the queue")));
      return;
    }
    if (error.status !== 404) throw error;
    replace(main, h("div", { class: "page" }, h("h1", {}, "Chronology not found"),
      h("p", {}, "No concern you may see has that case reference."),
      h("a", { href: "/queue", class: "btn" }, "Back to the queue")));
    return;
  }
  const references = new Map(data.concerns.map((c, i) => [c.id, `Concern ${i + 1}`]));
  const connection = h("div", {});
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/queue", class: "back-link" }, "Back to the queue")),
    h("h1", {}, `Chronology ${data.case_reference}`),
    connection,
    h("section", { class: "card", "aria-labelledby": "chrono-concerns" },
      h("h2", { id: "chrono-concerns" }, "Concerns about this case"),
      h("ul", { class: "drafts" }, data.concerns.map((c) => h("li", { class: "draft" },
        h("div", { class: "draft-text" },
          h("a", { class: "draft-link", href: `/concerns/${encodeURIComponent(c.id)}` },
            `${references.get(c.id)}: submitted ${when(c.submitted_at)} by ${c.author.display_name}`),
          h("span", {}, statusBadge(c.status), ` ${STATUS[c.status] === "Closed" ? "" : `${c.actions_to_do} action(s) to do`}`)))))),
    h("section", { class: "card", "aria-labelledby": "chrono-title" },
      h("h2", { id: "chrono-title" }, "What happened, in order"),
      h("ol", { class: "chronology", "aria-label": "Chronology" }, data.entries.map((e) => h("li", { class: "chrono-entry", "data-kind": e.kind },
        h("p", { class: "chrono-when" }, h("time", { datetime: e.at }, when(e.at)),
          data.concerns.length > 1 ? ` · ${references.get(e.concern_id)}` : ""),
        h("p", { class: "chrono-what" }, h("strong", {}, KIND[e.kind] || e.kind),
          e.who ? ` by ${e.who.display_name}` : ""),
        describe(e) ? h("p", { class: "prewrap" }, describe(e)) : null))))));
  ctx.onLeave(watchConnection(connection));
}

function describe({ kind, detail }) {
  switch (kind) {
    case "action": return [`${detail.title}: ${ACTION_STATE[detail.state] || detail.state}`,
      detail.reference && `reference ${detail.reference}`, detail.note && `“${detail.note}”`].filter(Boolean).join(" · ");
    case "assigned": return `To ${detail.to_name}${detail.from ? " (handed over)" : ""}`;
    case "decision": return detail.decision;
    case "closed": return `Outcome: ${detail.outcome}`;
    case "addendum": return detail.addendum;
    case "acknowledged": return detail.note || "";
    case "alert_sent": return detail.alert === "escalation" ? "Escalation alert delivered" : "Push alert delivered";
    case "escalated": return `${ESCALATION_STEP[detail.step] || "Escalation"}: ${detail.recipients} people alerted`;
    case "phoned": return `${detail.desk === "out_of_hours" ? "Out-of-hours team" : "Duty desk"}` +
      `${detail.number ? ` (${detail.number})` : ""}: spoke to ${detail.spoke_to}`;
    default: return "";
  }
}
