// Who a checklist is for: the document as one audience sees it.
// backend/procedures/rules/audience.py is its twin: server and phone must agree on what a carer
// is asked and told.

// The author's role decides it, as the server's capabilities say (audienceOf).
export const AUDIENCES = ["professional", "carer"];
const audienceViews = new WeakMap();

const isFor = (item, audience) => (item.audience ?? AUDIENCES).includes(audience); // unmarked: everyone

/**
 * The document as `audience` sees it: the sections, questions and actions marked for others left
 * out, and with them every rule left with no action. Kept per document object, like reads():
 * documents are never changed in place.
 */
export function forAudience(document, audience = "professional") {
  if (!AUDIENCES.includes(audience)) throw new Error(`unknown audience ${JSON.stringify(audience)}`);
  let views = audienceViews.get(document);
  if (!views) audienceViews.set(document, views = {});
  if (views[audience]) return views[audience];
  const actions = document.actions.filter((a) => isFor(a, audience));
  const kept = new Set(actions.map((a) => a.id));
  const rules = [];
  for (const rule of document.rules) {
    const then = rule.then.filter((t) => kept.has(t.action));
    if (then.length) rules.push(then.length === rule.then.length ? rule : { ...rule, then });
  }
  const sections = [];
  for (const section of document.checklist.sections) {
    const questions = section.questions.filter((q) => isFor(q, audience));
    if (isFor(section, audience) && questions.length) sections.push({ ...section, questions });
  }
  views[audience] = { ...document, checklist: { ...document.checklist, sections }, actions, rules };
  return views[audience];
}
