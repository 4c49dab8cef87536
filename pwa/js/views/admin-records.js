// /admin/records: a child's case exported for a subject access request (saved as a JSON file,
// with the fields that name other people listed for the data protection officer), and a
// concern's legal hold, picked from those held now (held-now.js), from the case's concerns or by
// its id. Admins only; online only: nothing of it is kept on the phone (records-files.js).
import * as api from "../api.js";
import { announce, h, replace, when } from "../dom.js";
import { STATUS_LABEL, URGENCY_LABEL } from "../names.js";
import { backLink, clearErrors, field, OFFLINE, showErrors } from "./admin-parts.js";
import { drawHold, holdSummary } from "./admin-holds.js";
import { heldNow } from "./held-now.js";
import { exportFailure, fileStamp, safeName, saveJson, showFailure } from "./records-files.js";

/** The refusal of a lookup as a field error, so it is said beside the field that caused it. */
const besideField = (error, name) => (error instanceof api.NetworkError || error.status >= 500
  ? error : { message: error.message, fields: { [name]: [error.message] } });

function thirdPartyList(fields) {
  if (!fields.length) return h("p", { id: "third-party-fields" }, "No field in this export names anyone other than the child.");
  return h("ul", { class: "third-party", id: "third-party-fields" }, fields.map((f) =>
    h("li", { "data-path": f.path }, h("code", {}, f.path), h("span", {}, ` ${f.why}`))));
}

export async function render(main) {
  const caseInput = h("input", { autocomplete: "off", autocapitalize: "characters", spellcheck: "false" });
  const caseInputs = { case_reference: caseInput };
  const caseError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });
  const caseFailure = h("div", { class: "notice notice-danger", id: "case-export-error", role: "alert", tabindex: "-1", hidden: true });
  const caseResult = h("div", { id: "case-export-result" });

  const concernInput = h("input", { autocomplete: "off", autocapitalize: "none", spellcheck: "false" });
  const concernInputs = { concern_id: concernInput };
  const holdError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });
  const holdPanel = h("div", { id: "hold-panel" });
  const listed = new Map(); // concern id → its hold-state line in the case's list
  const held = heldNow((id) => { concernInput.value = id; showHold(id); });

  const follow = (hold) => {
    const line = listed.get(hold.concern_id);
    if (line) line.textContent = holdSummary(hold);
    held.follow(hold);
  };

  async function showHold(id) {
    let hold;
    try {
      hold = await api.legalHold(id);
    } catch (error) {
      replace(holdPanel); // never leave another concern's hold beside the id that was refused
      showErrors(holdError, besideField(error, "concern_id"), concernInputs);
      return;
    }
    clearErrors(holdError, concernInputs);
    await drawHold(holdPanel, id, { hold, changed: follow });
    holdPanel.querySelector("#hold-title")?.focus();
  }

  function concernItem(concern) {
    const line = h("span", { class: "muted", "data-hold-state": "" }, "Legal hold: reading…");
    listed.set(concern.id, line);
    held.stateOf(concern.id).then((hold) => {
      line.textContent = hold ? holdSummary(hold) : "Legal hold: not known (no answer from the server)";
    });
    return h("li", { class: "audit-event", "data-concern": concern.id },
      h("strong", {}, `${STATUS_LABEL[concern.status] || concern.status}${concern.urgency ? ` · ${URGENCY_LABEL[concern.urgency] || concern.urgency}` : ""}`),
      h("span", { class: "muted" }, `Submitted ${when(concern.submitted_at || concern.created_at)}`),
      h("code", { class: "audit-detail" }, concern.id),
      line,
      h("button", { type: "button", class: "btn btn-secondary", "aria-label": `Legal hold for concern ${concern.id}`,
        onclick: () => { concernInput.value = concern.id; showHold(concern.id); } }, "Legal hold"));
  }

  async function exportCase(event) {
    event.preventDefault();
    caseFailure.hidden = true;
    const reference = caseInput.value.trim();
    if (!reference) {
      showErrors(caseError, { message: "Enter the case reference.", fields: { case_reference: ["Enter the case reference."] } }, caseInputs);
      return;
    }
    let data;
    try {
      data = await api.caseExport(reference);
    } catch (error) {
      if (error.code === "restricted" || error instanceof api.NetworkError) {
        clearErrors(caseError, caseInputs);
        showFailure(caseFailure, exportFailure(error));
      } else {
        showErrors(caseError, besideField(error, "case_reference"), caseInputs);
      }
      return;
    }
    clearErrors(caseError, caseInputs);
    const name = `safevisit-subject-access-case-${safeName(reference)}-${fileStamp()}.json`;
    saveJson(data, name);
    listed.clear();
    held.refresh(); // the case's concerns are read against the holds as they are now
    replace(caseResult, h("section", { class: "card", "aria-labelledby": "case-result-title" },
      h("h2", { id: "case-result-title", tabindex: "-1" }, `Case ${data.case_reference}`),
      h("p", { id: "case-export-saved" }, `Saved as ${name}: ${data.concerns.length === 1 ? "1 concern" : `${data.concerns.length} concerns`}, ` +
        `the case's chronology and its decisions. The download is recorded in the audit log under your name.`),
      h("h3", {}, "For the data protection officer to review"),
      h("p", {}, "These fields name, or may name, someone other than the child (staff, the person spoken to, agency " +
        "references, free text). Review each one, redacting or seeking consent as the law requires, before the rest is released."),
      thirdPartyList(data.third_party_fields),
      h("h3", {}, "Concerns in this case"),
      h("ul", { class: "audit", id: "case-concerns" }, data.concerns.map(concernItem))));
    caseResult.querySelector("h2").focus();
    announce(`The export of case ${data.case_reference} was saved as ${name}. Review the fields listed on screen before release.`);
  }

  function lookUp(event) {
    event.preventDefault();
    const id = concernInput.value.trim();
    if (!id) {
      showErrors(holdError, { message: "Enter the concern's id.", fields: { concern_id: ["Enter the concern's id."] } }, concernInputs);
      return;
    }
    showHold(id);
  }

  replace(main, h("div", { class: "page" },
    h("h1", {}, "Records"),
    backLink("/admin", "Admin console"),
    h("p", { class: "muted" }, "Works online only: nothing here is kept on this phone. An export is saved as a file to " +
      "this device's downloads: give it to the data protection officer and delete it from this device."),
    navigator.onLine ? null : h("p", { class: "notice", role: "status" }, OFFLINE),
    h("form", { class: "card form", onsubmit: exportCase, novalidate: true, "aria-labelledby": "case-export-title" },
      h("h2", { id: "case-export-title" }, "Export a child's case"),
      h("p", {}, "For a subject access request about a child, after the data protection officer has confirmed who is " +
        "asking. The file (JSON) holds every concern about the case, its chronology and decisions, and a list of the fields " +
        "that name other people, which is also shown here after the download."),
      caseError,
      caseFailure,
      field("case-reference", "Case reference", caseInput, "As written on the concern, for example CR-1234."),
      h("button", { type: "submit", class: "btn" }, "Download the case export")),
    caseResult,
    h("section", { class: "card", "aria-labelledby": "hold-section-title" },
      h("h2", { id: "hold-section-title" }, "Legal hold"),
      h("p", {}, "A concern under legal hold (litigation, an inquiry, a complaint) is never removed by the retention " +
        "schedule, nor its audit entries and alert records. Pick a concern from those held now, from a case export " +
        "above, or enter its id."),
      h("h3", {}, "Held now"),
      held.element,
      h("form", { class: "form", onsubmit: lookUp, novalidate: true, "aria-label": "Find a concern's legal hold" },
        holdError,
        field("hold-concern", "Concern id", concernInput, "The long id on the concern's page, such as 5b0e6a3e-8d7c-…"),
        h("button", { type: "submit", class: "btn btn-secondary" }, "Show its legal hold")),
      holdPanel)));
}
