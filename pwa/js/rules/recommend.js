// Which rules fire and the actions they recommend: each action once, at the highest urgency
// any rule gives it, with every rule's reason and paragraphs, most urgent first.
// backend/procedures/rules/recommend.py is its twin. The server's also has fired_after, which
// re-evaluates only the rules a trial's answers change: the server works out the gaps of every
// submission, the phone of one checklist, so here each trial simply evaluates every rule.
import { holds } from "./conditions.js";
import { actionsById } from "./reads.js";

export const URGENCY_RANK = { routine: 0, soon: 1, urgent: 2, immediate: 3 };

export function fired(document, considered) {
  return document.rules.filter((rule) => holds(rule.when, considered));
}

// The actions these rules name, by id, in the order the rules first named them.
export function collect(document, firedRules) {
  const byId = actionsById(document);
  const found = new Map(); // insertion order is first-seen order, as a Python dict's
  for (const rule of firedRules) {
    for (const then of rule.then) {
      const known = byId[then.action];
      if (!found.has(then.action)) {
        found.set(then.action, {
          action: then.action, title: known.title, urgency: then.urgency,
          source: known.source ?? "chapter", paragraphs: [], reasons: [],
        });
      }
      const action = found.get(then.action);
      if (URGENCY_RANK[then.urgency] > URGENCY_RANK[action.urgency]) {
        action.urgency = then.urgency;
      }
      for (const pid of rule.paragraphs) {
        if (!action.paragraphs.includes(pid)) action.paragraphs.push(pid);
      }
      action.reasons.push({ rule: rule.id, why: rule.why });
    }
  }
  return found;
}

// Drops an action another recommended action stands in for (`superseded_by`: asking about
// grooming once the Strategy Meeting is recommended), then most urgent first.
export function finish(document, found) {
  const byId = actionsById(document);
  const present = new Set(found.map((a) => a.action));
  const kept = found.filter((a) => !(byId[a.action].superseded_by ?? []).some((id) => present.has(id)));
  const order = kept.map((a) => a.action);
  return kept.sort((a, b) =>
    URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency] ||
    order.indexOf(a.action) - order.indexOf(b.action));
}

export function actionsOf(document, firedRules) {
  return finish(document, [...collect(document, firedRules).values()]);
}
