// The decisive questions: unanswered, shown questions whose answer would change what is
// recommended, each with the actions it decides. backend/procedures/rules/decisive.py is its twin.
//
// Only routes already in play count, so a blank form is not a list of gaps: a rule is in play
// when an answer given points into it, and a follow-up question (one shown because of an answer
// given) is in play itself. A question is decisive when one of its possible answers makes such a
// rule fire or stop firing and so changes the recommendations.
import { evidence, holds } from "./conditions.js";
import { actionsOf, collect, fired } from "./recommend.js";
import { assumed, candidates, isKnown, variantsOf } from "./unknowns.js";
import { visibleAnswers, visibleQuestions } from "./visibility.js";

/**
 * Unanswered, shown questions whose answer would change what is recommended; `because` names
 * every action that answer could add, remove or make more urgent.
 */
export function needs(document, answers) {
  const considered = visibleAnswers(document, answers);
  const firedBefore = fired(document, considered);
  return needsOf(document, answers, considered,
    assumed(document, answers, considered, collect(document, firedBefore)));
}

const lowerFirst = (text) => text.slice(0, 1).toLowerCase() + text.slice(1);

const outcomeOf = (actions) => new Set(actions.map((a) => `${a.action} ${a.urgency}`));
const symmetricDifference = (a, b) => [...a, ...b].filter((x) => a.has(x) !== b.has(x));

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

// The needs for these answers, given what the unknowns principle brought (`assumedPairs`:
// [question, action] pairs, see unknowns.js assumed).
export function needsOf(document, answers, considered, assumedPairs) {
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
