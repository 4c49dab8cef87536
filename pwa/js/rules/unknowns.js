// The unknowns principle: if every possible answer to an unanswered question would bring an
// action, not answering brings it too. backend/procedures/rules/unknowns.py is its twin.
//
// Such an action carries a `condition` ({question, label, text}) saying what it rests on, and
// its question comes first in `needs`. A question may narrow its possible answers for this
// (`unknown`: a young person whose age is not known is treated as a child), and a rule may name
// questions it needs answered (`needs_known`, with the chapter's reason) when not knowing must
// never bring it.
import { isAnswered, isNumber, leaves } from "./conditions.js";
import { reads } from "./reads.js";
import { URGENCY_RANK, actionsOf, fired } from "./recommend.js";
import { visibleAnswers, visibleQuestions } from "./visibility.js";

// Answered with something other than "Not known" (the `not_known` option): for what is still
// to find out, an explicit "not known" is no more an answer than a blank.
export function isKnown(value) {
  return isAnswered(value) && value !== "not_known" &&
    !(Array.isArray(value) && value.length === 1 && value[0] === "not_known");
}

/** The answers worth trying for an unanswered question: every option, or for a number
 * each side of every threshold the conditions compare it with (within its bounds). */
export function candidates(document, question) {
  const kind = question.type;
  if (kind === "boolean") return [true, false];
  if (kind === "choice") return question.options.map((o) => o.value);
  if (kind === "multi_choice") return question.options.map((o) => [o.value]);
  if (kind !== "integer") return [];
  const conditions = [...document.rules.map((r) => r.when), ...(document.scope ?? []).map((n) => n.when)];
  const numbers = new Set();
  for (const cond of conditions) {
    for (const leaf of leaves(cond)) {
      if (leaf.q === question.id && isNumber(leaf.value)) {
        for (const n of [leaf.value - 1, leaf.value, leaf.value + 1]) numbers.add(n);
      }
    }
  }
  for (const n of [question.min, question.max]) if (n !== undefined && n !== null) numbers.add(n);
  const low = question.min ?? -Infinity;
  const high = question.max ?? Infinity;
  return [...numbers].filter((n) => low <= n && n <= high).sort((a, b) => a - b);
}

/** The answers an unanswered question could still turn out to have, for the unknowns
 * principle: its candidates, within the range its `unknown` allows. */
export function unknownCandidates(document, question) {
  const bounds = question.unknown ?? {};
  const low = bounds.min ?? -Infinity;
  const high = bounds.max ?? Infinity;
  return candidates(document, question).filter((v) => !isNumber(v) || (low <= v && v <= high));
}

function merge(into, more) {
  // What every answer brings: the least urgency of them.
  if (URGENCY_RANK[more.urgency] < URGENCY_RANK[into.urgency]) into.urgency = more.urgency;
  for (const p of more.paragraphs) if (!into.paragraphs.includes(p)) into.paragraphs.push(p);
  const seen = new Set(into.reasons.map((r) => r.rule));
  for (const r of more.reasons) if (!seen.has(r.rule)) into.reasons.push(r);
}

const clone = (action) => ({ ...action, paragraphs: [...action.paragraphs], reasons: [...action.reasons] });

// What every possible answer to an unanswered question would bring, beyond `base`:
// [question, action] pairs in checklist order, each action at the urgency all answers share.
export function assumed(document, answers, considered, base) {
  const known = reads(document);
  const result = [];
  const taken = new Set();
  for (const question of visibleQuestions(document, answers)) {
    const qid = question.id;
    if (isKnown(Object.hasOwn(answers, qid) ? answers[qid] : null) || !known.read.has(qid)) continue;
    let common = null;
    for (const value of unknownCandidates(document, question)) {
      const trial = known.visibility.has(qid)
        ? visibleAnswers(document, { ...answers, [qid]: value })
        : { ...considered, [qid]: value };
      const firedRules = fired(document, trial).filter((r) => !(r.needs_known ?? []).includes(qid));
      const brought = new Map(actionsOf(document, firedRules).map((a) => [a.action, a]));
      if (common === null) {
        common = new Map([...brought].map(([k, a]) => [k, clone(a)]));
      } else {
        common = new Map([...common].filter(([k]) => brought.has(k)));
        for (const [k, action] of common) merge(action, brought.get(k));
      }
      if (!common.size) break;
    }
    for (const [key, action] of common ?? []) {
      const had = base.get(key);
      if (taken.has(key) || (had && URGENCY_RANK[had.urgency] >= URGENCY_RANK[action.urgency])) continue;
      taken.add(key);
      const text = question.unknown?.condition ?? `whatever the answer to “${question.label}” — answer it`;
      result.push([question, { ...action, condition: { question: qid, label: question.label, text } }]);
    }
  }
  return result;
}

// The answers as they stand, then as they may be under each narrowed unknown: needs look
// ahead under the same assumption as the recommendations (a young person whose age is not
// known is treated as a child, so what would matter for a child is asked).
export function variantsOf(document, answers, considered) {
  let extra = [answers];
  for (const question of visibleQuestions(document, answers)) {
    if ("unknown" in question && !isKnown(Object.hasOwn(answers, question.id) ? answers[question.id] : null)) {
      extra = extra.flatMap((a) => unknownCandidates(document, question).map((v) => ({ ...a, [question.id]: v })));
    }
  }
  const variants = [[answers, considered]];
  if (!(extra.length === 1 && extra[0] === answers)) {
    for (const a of extra) variants.push([a, visibleAnswers(document, a)]);
  }
  return variants;
}
