// Conditions over answers: whether one holds, the questions it reads, and whether an answer
// given points into it. backend/procedures/rules/conditions.py is its twin.
//
// A condition is `all`, `any`, `not`, or a leaf {q: id, op, value}. Unanswered is never read
// as "no": only `empty` holds on a question with no answer.

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

export function isNumber(value) {
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

/** Every leaf of a condition, under `all`, `any` and `not` alike. */
export function* leaves(cond) {
  for (const key of ["all", "any"]) for (const sub of cond[key] ?? []) yield* leaves(sub);
  if ("not" in cond) yield* leaves(cond.not);
  if ("q" in cond) yield cond;
}

// Does an answer already given point into this condition (an eq/in/includes leaf that
// holds, not under a `not`)? Only such a rule is "in play": a blank form is not a gap.
export function evidence(cond, answers, negated = false) {
  if ("all" in cond || "any" in cond) {
    return (cond.all ?? cond.any).some((c) => evidence(c, answers, negated));
  }
  if ("not" in cond) return evidence(cond.not, answers, !negated);
  return !negated && ["eq", "in", "includes"].includes(cond.op) && holds(cond, answers);
}
