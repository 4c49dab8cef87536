// Which questions are shown for some answers, and the answers to those alone: an answer to a
// question that is not shown (its section or question `when` is false) never drives a
// recommendation. backend/procedures/rules/visibility.py is its twin.
import { holds } from "./conditions.js";

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
