// The decision-rule evaluator. backend/procedures/rules.py is its twin: keep them side by side.
//
// Both take a procedure document and a mapping of answers and return
// {urgency: <highest or null>, actions: [...]} where each action is
// {action, title, urgency, paragraphs, reasons: [{rule, why}]},
// most urgent first, ties in the order the rules first named them.
// Answers to questions that are not shown (their section or question `when`
// is false) are ignored, so hidden answers never drive a recommendation.

export const URGENCY_RANK = { routine: 0, soon: 1, urgent: 2, immediate: 3 };

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

export function evaluate(document, answers) {
  const considered = visibleAnswers(document, answers);
  const titles = Object.fromEntries(document.actions.map((a) => [a.id, a.title]));
  const found = new Map(); // insertion order is first-seen order, as a Python dict's
  for (const rule of document.rules) {
    if (!holds(rule.when, considered)) continue;
    for (const then of rule.then) {
      if (!found.has(then.action)) {
        found.set(then.action, {
          action: then.action, title: titles[then.action],
          urgency: then.urgency, paragraphs: [], reasons: [],
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
  const order = [...found.keys()];
  const actions = [...found.values()].sort((a, b) =>
    URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency] ||
    order.indexOf(a.action) - order.indexOf(b.action));
  const urgency = actions.length ? actions[0].urgency : null;
  return { urgency, actions };
}
