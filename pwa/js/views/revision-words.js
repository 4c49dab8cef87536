// What one version of a concern holds, in words. The kinds are the server's revision kinds
// (backend/concerns/sync_changes.py writes applied, conflict and addendum; lifecycle.py the
// manager's steps; author_view.py gives an author "progress"). A version the phone sent carries
// the whole record, so what changed is worked out here against the version before it: the
// reader sees what was said first and what was said after, and nothing earlier drops from view.
import { h } from "../dom.js";
import { Status } from "../names.js";
import * as procedure from "../procedure.js";
import { ACTION_STATE, answerRows, answerText } from "./desk-parts.js";
import { callLine } from "./duty-desk.js";

// The versions the phone sent, whole: the ones whose answers and notes are compared.
const SENT = new Set(["applied", "conflict"]);

const KIND = {
  conflict: "Copy from the phone that crossed a newer version (kept, not applied)",
  addendum: "Addendum added",
  acknowledgement: "Acknowledged",
  assignment: "Assigned",
  action: "Recommended action updated",
  decision: "Decision recorded",
  closure: "Closed",
};

/** What kind of version this is, in words. */
export function kindLabel({ kind, body = {} }) {
  if (kind === "applied") return body.status === Status.SUBMITTED ? "Submitted from the phone" : "Draft synced from the phone";
  // Written before the lifecycle had one kind per step: a decision or an acknowledgement.
  if (kind === "status") return "decision" in body ? KIND.decision : KIND.acknowledgement;
  if (kind === "progress") return body.progress_label || body.progress;
  return KIND[kind] || kind;
}

/**
 * Each revision with what to show for it, oldest first: `before` is the last version the phone
 * sent that the server applied (what a later one changed, or what a crossing copy crossed).
 */
export function withBefore(revisions) {
  let applied = null;
  return revisions.map((revision) => {
    const entry = { revision, before: SENT.has(revision.kind) ? applied : null };
    if (revision.kind === "applied") applied = revision;
    return entry;
  });
}

/** The content of one version: what was sent (or changed), added, decided. */
export function content({ revision, before }, document) {
  const body = revision.body || {};
  switch (revision.kind) {
    case "applied":
    case "conflict": return sentContent(body, before, document);
    case "addendum": return [h("p", { class: "prewrap" }, body.addendum)];
    case "acknowledgement": return body.note ? [h("p", { class: "prewrap" }, `Note: ${body.note}`)] : [];
    case "assignment": return [h("p", {}, `To ${body.to_name}${body.from ? " (handed over)" : ""}`)];
    case "action": return [h("p", {}, `${body.title}: ${ACTION_STATE[body.state] || body.state}` +
        (body.from ? ` (was ${ACTION_STATE[body.from] || body.from})` : "")),
      body.reference ? h("p", {}, `Reference ${body.reference}`) : null,
      body.note ? h("p", { class: "prewrap" }, `Note: ${body.note}`) : null];
    case "decision": return [h("p", { class: "prewrap" }, body.decision)];
    case "closure": return [h("p", { class: "prewrap" }, `Outcome: ${body.outcome}`)];
    case "status": return [h("p", { class: "prewrap" }, body.decision || body.note || "")];
    default: return [];
  }
}

function sentContent(body, before, document) {
  const answers = body.answers || {};
  const extras = [
    body.duty_call && JSON.stringify(body.duty_call) !== JSON.stringify(before?.body?.duty_call)
      ? h("p", { class: "phoned" }, `${callLine(body.duty_call)}.`) : null,
    body.submitted_without?.length ? h("p", {}, "Submitted without an answer to: " +
      body.submitted_without.map((id) => labelOf(document, id)).join("; ")) : null,
  ];
  if (!before) {
    return [h("h3", {}, "What was sent"),
      h("dl", { class: "answers" }, answerRows(document, answers)),
      body.notes ? [h("h3", {}, "Notes"), h("p", { class: "prewrap" }, body.notes)] : null,
      extras];
  }
  const previous = before.body || {};
  const changes = answerChanges(document, previous.answers || {}, answers);
  const notesChanged = (previous.notes || "") !== (body.notes || "");
  return [
    h("h3", {}, `Changed from version ${before.version}`),
    changes.length || notesChanged ? null : h("p", {}, "No answers or notes changed."),
    changes.length ? h("ul", { class: "changes" }, changes) : null,
    notesChanged ? h("dl", { class: "answers notes-change" },
      h("div", { class: "answer" }, h("dt", {}, "Notes before"), h("dd", { class: "prewrap" }, previous.notes || "(none)")),
      h("div", { class: "answer" }, h("dt", {}, "Notes after"), h("dd", { class: "prewrap" }, body.notes || "(none)"))) : null,
    extras,
    h("details", {}, h("summary", {}, "All answers in this version"),
      h("dl", { class: "answers" }, answerRows(document, answers))),
  ];
}

function labelOf(document, id) {
  return procedure.questions(document).find((q) => q.id === id)?.label ?? id;
}

/** Answers added, changed or removed, in the checklist's order, each with its question's text. */
export function answerChanges(document, older, newer) {
  const known = procedure.questions(document);
  const ids = [...new Set([...Object.keys(older), ...Object.keys(newer)])];
  const order = (id) => { const i = known.findIndex((q) => q.id === id); return i < 0 ? known.length : i; };
  ids.sort((a, b) => order(a) - order(b));
  return ids.flatMap((id) => {
    const question = known.find((q) => q.id === id) || { id, label: id };
    const was = id in older ? answerText(question, older[id]) : null;
    const now = id in newer ? answerText(question, newer[id]) : null;
    if (JSON.stringify(older[id]) === JSON.stringify(newer[id])) return [];
    const change = was === null ? `Added: ${now}` : now === null ? `Removed (was ${was})` : `Changed from ${was} to ${now}`;
    return [h("li", { "data-question": id }, h("strong", {}, question.label), h("br"), change)];
  });
}
