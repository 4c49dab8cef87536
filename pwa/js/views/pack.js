// The Strategy Meeting pack: one concern laid out for A4 (print stylesheet in app.css),
// marked OFFICIAL-SENSITIVE with who printed it and when. The Print button records the print
// on the server (POST .../pack-prints, audited) and only then opens the print dialog; if the
// record cannot be made, nothing prints.
import * as api from "../api.js";
import { announce, h, replace, when } from "../dom.js";
import {
  ACTION_STATE, actionStateLine, answerRows, gapsSection, loadConcern, madeUnder, procedureFor, STATUS, stepError,
} from "./desk-parts.js";

const MARKING = "OFFICIAL-SENSITIVE";

export async function render(main, ctx) {
  const id = ctx.params[0];
  const concern = await loadConcern(main, id, "Meeting pack", () => render(main, ctx));
  if (!concern) return;
  const { document, paragraphs } = await procedureFor(concern);
  const printed = h("p", { class: "pack-printed", id: "pack-printed" }, "Not printed yet.");
  const error = h("div", { class: "no-print" });
  const print = async (event) => {
    event.target.disabled = true;
    replace(error);
    try {
      await api.ensureCsrf();
      const record = await api.recordPrint(id);
      replace(printed, `Printed by ${record.printed_by.display_name} on ${when(record.printed_at)}.`);
      window.print();
    } catch (err) {
      replace(error, h("p", { class: "notice notice-danger", role: "alert" }, `Not printed: ${stepError(err)}`));
      announce(`Not printed: ${stepError(err)}`);
    } finally {
      event.target.disabled = false;
    }
  };
  const cited = (ids) => ids.filter((p) => paragraphs[p]).map((p) => h("li", {},
    h("strong", {}, `¶${paragraphs[p].number} `), paragraphs[p].summary));
  replace(main, h("div", { class: "page pack" },
    h("p", { class: "no-print" }, h("a", { href: `/concerns/${encodeURIComponent(id)}` }, "Back to the concern")),
    h("p", { class: "pack-marking" }, MARKING),
    h("h1", {}, `Strategy Meeting pack: ${concern.case_reference}`),
    printed,
    error,
    h("button", { type: "button", class: "btn no-print", id: "print-pack", onclick: print }, "Print or save as PDF"),
    h("dl", { class: "pack-facts" },
      fact("Case reference", concern.case_reference),
      fact("Submitted", `${when(concern.submitted_at)} by ${concern.author.display_name} (${concern.team.name} team)`),
      fact("Urgency", concern.urgency || "none"),
      fact("Status", STATUS[concern.status] || concern.status),
      concern.acknowledged_by ? fact("Acknowledged", `${when(concern.acknowledged_at)} by ${concern.acknowledged_by.display_name}`) : null,
      concern.assigned_to ? fact("With", concern.assigned_to.display_name) : null,
      fact("Procedure", madeUnder(document))),
    h("section", { "aria-labelledby": "pack-actions" },
      h("h2", { id: "pack-actions" }, "Recommended actions and where they stand"),
      h("ol", { class: "pack-list" }, (concern.tracked_actions || []).map((a) => h("li", { "data-action": a.action },
        h("h3", {}, `${a.title} — ${ACTION_STATE[a.state]}`),
        h("p", {}, actionStateLine(a)),
        a.note ? h("p", { class: "prewrap" }, `${a.state === "not_needed" ? "Why not needed" : "Note"}: ${a.note}`) : null,
        h("ul", {}, a.reasons.map((r) => h("li", {}, r.why))),
        h("ul", { class: "pack-cites", "aria-label": "Procedure paragraphs" }, cited(a.paragraphs)))))),
    gapsSection(concern, "pack-gaps"),
    h("section", { "aria-labelledby": "pack-decision" },
      h("h2", { id: "pack-decision" }, "Decision and outcome"),
      h("p", { class: "prewrap" }, concern.decision ? `Decision: ${concern.decision}` : "No decision recorded yet."),
      concern.outcome ? h("p", { class: "prewrap" }, `Outcome: ${concern.outcome}`) : null),
    h("section", { "aria-labelledby": "pack-answers" },
      h("h2", { id: "pack-answers" }, "Answers"), h("dl", { class: "answers" }, answerRows(document, concern.answers))),
    concern.notes ? h("section", { "aria-labelledby": "pack-notes" },
      h("h2", { id: "pack-notes" }, "Notes"), h("p", { class: "prewrap" }, concern.notes)) : null,
    h("p", { class: "pack-marking" }, MARKING)));
}

function fact(term, value) {
  return h("div", { class: "answer" }, h("dt", {}, term), h("dd", {}, value));
}
