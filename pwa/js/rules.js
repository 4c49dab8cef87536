// The decision-rule evaluator. backend/procedures/rules/__init__.py is its twin: keep them side by side.
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
// would bring an action, not answering brings it too (rules/unknowns.js).
//
// The parts, each beside its twin of the same name in backend/procedures/rules/:
// - audience.js: the document as a professional or a foster carer sees it;
// - conditions.js: whether a condition holds, its leaves, whether an answer points into it;
// - visibility.js: the questions shown for some answers, and the answers that count;
// - reads.js: which questions the rules and the checklist's conditions read (once per document);
// - recommend.js: the rules that fire and the actions they recommend, most urgent first;
// - unknowns.js: the unknowns principle, and the answers worth trying for a question;
// - decisive.js: the decisive questions (`needs`), each with the actions it decides.
// This module is the one the app imports: evaluate, scope and guidance.
import { forAudience } from "./rules/audience.js";
import { holds } from "./rules/conditions.js";
import { needsOf } from "./rules/decisive.js";
import { collect, finish, fired } from "./rules/recommend.js";
import { assumed } from "./rules/unknowns.js";
import { visibleAnswers } from "./rules/visibility.js";

export { AUDIENCES, forAudience } from "./rules/audience.js";
export { holds, isAnswered } from "./rules/conditions.js";
export { needs } from "./rules/decisive.js";
export { URGENCY_RANK } from "./rules/recommend.js";
export { candidates, isKnown, unknownCandidates } from "./rules/unknowns.js";
export { visibleAnswers, visibleQuestions } from "./rules/visibility.js";

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
  return { urgency, actions, needs: needsOf(document, answers, considered, assumedPairs),
    scope: scope(document, answers), guidance: guidance(document, answers) };
}
