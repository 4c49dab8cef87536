// The Strategy Meeting pack: one concern laid out for A4 (print stylesheet in app.css), with
// who printed it and when. Every printed page carries OFFICIAL-SENSITIVE (top and bottom),
// the case reference and "Page N of M", in the page's margin boxes (CSS paged media).
// Every print is on record (POST .../pack-prints, audited): the Print button records first
// and only then opens the print dialog (if the record cannot be made, nothing prints); a print
// from the browser itself (its menu, Ctrl+P) is recorded as it starts ("beforeprint"), which
// cannot hold it back, so a failure to record it is said on the page.
import * as api from "../api.js";
import { announce, h, replace, when } from "../dom.js";
import {
  ACTION_STATE, actionStateLine, answerRows, gapsSection, loadConcern, madeUnder, procedureFor, STATUS, stepError,
} from "./desk-parts.js";

const MARKING = "OFFICIAL-SENSITIVE";

/** Text as a CSS string: anything but letters, digits and spaces escaped, so it stays text. */
export function cssString(text) {
  return `"${[...text].map((c) => (/[A-Za-z0-9 ]/.test(c) ? c : `\\${c.codePointAt(0).toString(16)} `)).join("")}"`;
}

/**
 * The page marks, as a stylesheet made in script (CSSOM, which the Content-Security-Policy
 * allows, unlike an inline <style>): the case reference is the concern's, so it cannot be in
 * app.css. Margin boxes print in every page's margin, whatever the content.
 */
function pageMarks(caseReference) {
  // A reference copied from the PDF must be the reference ("ff", not "ﬀ"). Chromium's page
  // margin boxes ignore font-variant-ligatures; any letter-spacing turns ligatures off there.
  const small = "font: 600 9pt system-ui, sans-serif; letter-spacing: .01em; color: #000;";
  const marking = `content: "${MARKING}"; font: 800 10pt system-ui, sans-serif; letter-spacing: .08em; color: #000;`;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`@media print {
  @page {
    @top-center { ${marking} }
    @top-right { content: ${cssString(`Case ${caseReference}`)}; ${small} }
    @bottom-left { content: ${cssString(`Case ${caseReference}`)}; ${small} }
    @bottom-center { ${marking} }
    @bottom-right { content: "Page " counter(page) " of " counter(pages); ${small} }
  }
  .pack-marking { display: none; }
}`);
  return sheet;
}

export async function render(main, ctx) {
  const id = ctx.params[0];
  const concern = await loadConcern(main, id, "Meeting pack", () => render(main, ctx));
  if (!concern) return;
  const { document, paragraphs } = await procedureFor(concern);
  const printed = h("p", { class: "pack-printed", id: "pack-printed" }, "Not printed yet.");
  const error = h("div", { class: "no-print" });
  const shown = (record) => replace(printed, `Printed by ${record.printed_by.display_name} on ${when(record.printed_at)}.`);
  const failed = (text) => {
    replace(error, h("p", { class: "notice notice-danger", role: "alert" }, text));
    announce(text);
  };
  let fromButton = false; // the button's print, recorded before the dialog opened
  const print = async (event) => {
    event.target.disabled = true;
    replace(error);
    try {
      await api.ensureCsrf();
      shown(await api.recordPrint(id, "button"));
      fromButton = true;
      window.print();
    } catch (err) {
      failed(`Not printed: ${stepError(err)}`);
    } finally {
      fromButton = false;
      event.target.disabled = false;
    }
  };
  // The browser's own Print: it goes ahead whatever happens; the record follows it.
  const beforePrint = () => {
    if (fromButton) return;
    replace(error);
    api.recordPrint(id, "browser").then(shown)
      .catch((err) => failed(`This print was not recorded: ${stepError(err)} Print again from “Print or save as PDF” ` +
        "once connected, so that the record is made."));
  };
  await api.ensureCsrf().catch(() => {}); // the token beforeprint's record needs, while online
  const marks = pageMarks(concern.case_reference);
  const page = window.document; // `document` here is the procedure's
  page.adoptedStyleSheets = [...page.adoptedStyleSheets, marks];
  window.addEventListener("beforeprint", beforePrint);
  ctx.onLeave(() => {
    window.removeEventListener("beforeprint", beforePrint);
    page.adoptedStyleSheets = page.adoptedStyleSheets.filter((sheet) => sheet !== marks);
  });
  const cited = (ids) => ids.filter((p) => paragraphs[p]).map((p) => h("li", {},
    h("strong", {}, `¶${paragraphs[p].number} `), paragraphs[p].summary));
  replace(main, h("div", { class: "page pack" },
    h("p", { class: "no-print" }, h("a", { href: `/concerns/${encodeURIComponent(id)}`, class: "back-link" }, "Back to the concern")),
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
