// The decision-rule evaluator. backend/procedures/rules.py is its twin: keep them side by side.
//
// Both take a procedure document and a mapping of answers and return
// {urgency: <highest or null>, actions: [...], needs: [...], scope: <note or null>,
// guidance: [...]} where each action is
// {action, title, urgency, source, paragraphs, reasons: [{rule, why}]},
// most urgent first, ties in the order the rules first named them; each need is
// {question, label, actions, because}: an unanswered question that decides a route.
// Unanswered is never read as "no".
// Answers to questions that are not shown (their section or question `when`
// is false) are ignored, so hidden answers never drive a recommendation.
//
// One principle for what is not known: if every possible answer to an unanswered question
// would bring an action, not answering brings it too. Such an action carries a `condition`
// ({question, label, text}) saying what it rests on, and its question comes first in
// `needs`. A question may narrow its possible answers for this (`unknown`: a young person
// whose age is not known is treated as a child), and a rule may name questions it needs
// answered (`needs_known`, with the chapter's reason) when not knowing must never bring it.

export const URGENCY_RANK = { routine: 0, soon: 1, urgent: 2, immediate: 3 };
// Who a checklist is for: the author's role, as the server's capabilities say (audienceOf).
export const AUDIENCES = ["professional", "carer"];
const audienceViews = new WeakMap();

const isFor = (item, audience) => (item.audience ?? AUDIENCES).includes(audience); // unmarked: everyone

/**
 * The document as `audience` sees it: the sections, questions and actions marked for others left
 * out, and with them every rule left with no action. backend/procedures/rules.py for_audience is
 * its twin: server and phone must agree on what a carer is asked and told.
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

export function isAnswered(value) {
  return value !== null && value !== undefined && value !== "" &&
    !(Array.isArray(value) && value.length === 0);
}

// Python's `type(a) is type(b) and a == b` for JSON values: 1 and true differ,
// and so do 1 and "1". (Python would also tell 18 from 18.0; JavaScript cannot, and the
// checklist's numbers are whole numbers.)
function sameTypeEqual(a, b) {
  return typeof a === typeof b && Array.isArray(a) === Array.isArray(b) && a === b;
}

// Answered with something other than "Not known" (the `not_known` option): for what is still
// to find out, an explicit "not known" is no more an answer than a blank.
export function isKnown(value) {
  return isAnswered(value) && value !== "not_known" &&
    !(Array.isArray(value) && value.length === 1 && value[0] === "not_known");
}

function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

export function holds(cond, answers) {
  if ("all" in cond) return cond.all.every((c) => holds(c, answers));
  if ("any" in cond) return cond.any.some((c) => holds(c, answers));
  if ("not" in cond) return !holds(cond.not, answers);
  const answer = Object.hasOwn(answers, cond.q) ? answers[cond.q] : null;
  const { op, value } = cond;
  if (op === "answered") return isAnswered(answer);
  if (op === "empty") return !isAnswered(answer);
  if (!isAnswered(answer)) return false;
  if (op === "eq") return sameTypeEqual(answer, value);
  if (op === "in") return value.some((v) => sameTypeEqual(answer, v));
  if (op === "includes") return Array.isArray(answer) && answer.includes(value);
  if (!(isNumber(answer) && isNumber(value))) return false;
  if (op === "lt") return answer < value;
  if (op === "lte") return answer <= value;
  if (op === "gt") return answer > value;
  if (op === "gte") return answer >= value;
  throw new Error(`unknown operator ${JSON.stringify(op)}`);
}

/** The questions shown for these answers, in checklist order. */
export function visibleQuestions(document, answers) {
  const shown = [];
  const considered = {};
  for (const section of document.checklist.sections) {
    const sectionShown = !("when" in section) || holds(section.when, considered);
    for (const question of section.questions) {
      if (sectionShown && (!("when" in question) || holds(question.when, considered))) {
        shown.push(question);
        if (Object.hasOwn(answers, question.id)) considered[question.id] = answers[question.id];
      }
    }
  }
  return shown;
}

export function visibleAnswers(document, answers) {
  const result = {};
  for (const q of visibleQuestions(document, answers)) {
    if (Object.hasOwn(answers, q.id)) result[q.id] = answers[q.id];
  }
  return result;
}

function fired(document, considered) {
  return document.rules.filter((rule) => holds(rule.when, considered));
}

function collect(document, firedRules) {
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
function finish(document, found) {
  const byId = actionsById(document);
  const present = new Set(found.map((a) => a.action));
  const kept = found.filter((a) => !(byId[a.action].superseded_by ?? []).some((id) => present.has(id)));
  const order = kept.map((a) => a.action);
  return kept.sort((a, b) =>
    URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency] ||
    order.indexOf(a.action) - order.indexOf(b.action));
}

function actionsOf(document, firedRules) {
  return finish(document, [...collect(document, firedRules).values()]);
}

const READS = new WeakMap();

// Which questions any rule or any `when` that shows a section or question reads; kept per
// document object (documents are never changed in place).
function reads(document) {
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

const actionsById = (document) => reads(document).actions;

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
function assumed(document, answers, considered, base) {
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

// Does an answer already given point into this condition (an eq/in/includes leaf that
// holds, not under a `not`)? Only such a rule is "in play": a blank form is not a gap.
function evidence(cond, answers, negated = false) {
  if ("all" in cond || "any" in cond) {
    return (cond.all ?? cond.any).some((c) => evidence(c, answers, negated));
  }
  if ("not" in cond) return evidence(cond.not, answers, !negated);
  return !negated && ["eq", "in", "includes"].includes(cond.op) && holds(cond, answers);
}

function* leaves(cond) {
  for (const key of ["all", "any"]) for (const sub of cond[key] ?? []) yield* leaves(sub);
  if ("not" in cond) yield* leaves(cond.not);
  if ("q" in cond) yield cond;
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

const lowerFirst = (text) => text.slice(0, 1).toLowerCase() + text.slice(1);

const outcomeOf = (actions) => new Set(actions.map((a) => `${a.action} ${a.urgency}`));
const symmetricDifference = (a, b) => [...a, ...b].filter((x) => a.has(x) !== b.has(x));

/**
 * Unanswered, shown questions whose answer would change what is recommended.
 *
 * Only routes already in play count, so a blank form is not a list of gaps: a rule is in
 * play when an answer given points into it, and a follow-up question (one shown because of
 * an answer given) is in play itself. The question is decisive when one of its possible
 * answers makes such a rule fire or stop firing and so changes the recommendations;
 * `because` names every action that answer could add, remove or make more urgent.
 */
export function needs(document, answers) {
  const considered = visibleAnswers(document, answers);
  const firedBefore = fired(document, considered);
  return needsOf(document, answers, considered, firedBefore,
    assumed(document, answers, considered, collect(document, firedBefore)));
}

// The answers as they stand, then as they may be under each narrowed unknown: needs look
// ahead under the same assumption as the recommendations (a young person whose age is not
// known is treated as a child, so what would matter for a child is asked).
function variantsOf(document, answers, considered) {
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

// For one set of answers: each unanswered question's actions that one of its answers would
// add, remove or make more urgent, among routes in play (and questions in `also`).
function decisive(document, answers, considered, also) {
  const firedBefore = fired(document, considered);
  const before = new Set(firedBefore.map((r) => r.id));
  const outcome = outcomeOf(actionsOf(document, firedBefore));
  const inPlay = new Set(document.rules.filter((r) => evidence(r.when, considered)).map((r) => r.id));
  const found = new Map();
  for (const question of visibleQuestions(document, answers)) {
    if (isKnown(Object.hasOwn(answers, question.id) ? answers[question.id] : null)) continue;
    // A follow-up (shown because of an answer given) is in play itself, and so is a question
    // the checklist asks whenever its `prompt_when` holds (Significant Harm, with a route about the child).
    const followUp = ("when" in question && evidence(question.when, considered)) ||
      ("prompt_when" in question && holds(question.prompt_when, considered)) || also.has(question.id);
    const changed = new Set();
    for (const value of candidates(document, question)) {
      const trial = visibleAnswers(document, { ...answers, [question.id]: value });
      const firedAfter = fired(document, trial);
      const flipped = symmetricDifference(before, new Set(firedAfter.map((r) => r.id)));
      const difference = symmetricDifference(outcome, outcomeOf(actionsOf(document, firedAfter)));
      if (difference.length && (followUp || flipped.some((id) => inPlay.has(id)))) {
        for (const key of difference) changed.add(key.split(" ")[0]);
      }
    }
    if (changed.size) found.set(question.id, changed);
  }
  return found;
}

function needsOf(document, answers, considered, firedBefore, assumedPairs) {
  const conditional = new Set(assumedPairs.map(([q]) => q.id));
  const changed = new Map();
  const add = (qid, action) => {
    if (!changed.has(qid)) changed.set(qid, new Set());
    changed.get(qid).add(action);
  };
  for (const [variant, variantConsidered] of variantsOf(document, answers, considered)) {
    for (const [qid, actions] of decisive(document, variant, variantConsidered, conditional)) {
      for (const action of actions) add(qid, action);
    }
  }
  for (const [question, action] of assumedPairs) add(question.id, action.action);
  const actionOrder = document.actions.map((a) => a.id);
  const titles = Object.fromEntries(document.actions.map((a) => [a.id, a.title]));
  const found = [];
  for (const question of visibleQuestions(document, answers)) {
    if (!changed.has(question.id) || isKnown(Object.hasOwn(answers, question.id) ? answers[question.id] : null)) continue;
    const ids = actionOrder.filter((a) => changed.get(question.id).has(a));
    found.push({ question: question.id, label: question.label, actions: ids,
      because: `It decides whether to: ${ids.map((a) => lowerFirst(titles[a])).join("; ")}.` });
  }
  // What rests on an unknown answer is asked first.
  return [...found.filter((n) => conditional.has(n.question)), ...found.filter((n) => !conditional.has(n.question))];
}

/** The first scope note that applies (a child outside the chapter's age range), or null. */
export function scope(document, answers) {
  const considered = visibleAnswers(document, answers);
  for (const note of document.scope ?? []) {
    if (holds(note.when, considered)) return { id: note.id, text: note.text, paragraphs: note.paragraphs };
  }
  return null;
}

export function guidance(document, answers) {
  const considered = visibleAnswers(document, answers);
  return (document.guidance ?? []).filter((g) => holds(g.when, considered)).map((g) => ({
    id: g.id, title: g.title, text: g.text, source: g.source,
    reference: g.reference, paragraphs: g.paragraphs,
  }));
}

export function evaluate(source, answers, { audience = "professional" } = {}) {
  const document = forAudience(source, audience);
  const considered = visibleAnswers(document, answers);
  const firedRules = fired(document, considered);
  const found = collect(document, firedRules);
  const assumedPairs = assumed(document, answers, considered, found);
  for (const [, action] of assumedPairs) found.set(action.action, action);
  const actions = finish(document, [...found.values()]);
  const urgency = actions.length ? actions[0].urgency : null;
  return { urgency, actions, needs: needsOf(document, answers, considered, firedRules, assumedPairs),
    scope: scope(document, answers), guidance: guidance(document, answers) };
}
