// What a document's conditions read, worked out once per document: which questions any rule
// reads, which questions show or hide others, and the actions by id. The trials of the
// unknowns principle ask this for every answer they try.
// backend/procedures/rules/reads.py is its twin.
import { leaves } from "./conditions.js";

const READS = new WeakMap();

// Which questions any rule or any `when` that shows a section or question reads; kept per
// document object (documents are never changed in place).
export function reads(document) {
  let known = READS.get(document);
  if (!known) {
    const shownBy = [];
    for (const section of document.checklist.sections) {
      if ("when" in section) shownBy.push(section.when);
      for (const q of section.questions) if ("when" in q) shownBy.push(q.when);
    }
    const visibility = new Set(shownBy.flatMap((c) => [...leaves(c)].map((l) => l.q)));
    const read = new Set(visibility);
    for (const rule of document.rules) for (const leaf of leaves(rule.when)) read.add(leaf.q);
    known = { visibility, read, actions: Object.fromEntries(document.actions.map((a) => [a.id, a])) };
    READS.set(document, known);
  }
  return known;
}

export const actionsById = (document) => reads(document).actions;
