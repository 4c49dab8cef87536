// "How SafeVisit decides" (/procedure/decides): the rule set in words, drawn from the
// procedure document the phone already keeps, so it opens offline and always describes the
// rules that actually run. backend/procedures/explain.py prints the same words for the CLI;
// keep `conditionWords` in step with its `condition_words`.
import { h, replace } from "../dom.js";
import * as procedure from "../procedure.js";
import { URGENCY_LABEL } from "../names.js";
import { sourceLabel } from "./actions.js";

// Whose checklist an action is on, when not everyone's (backend/procedures/explain.py AUDIENCE).
const AUDIENCE = { carer: "foster carers only", professional: "professionals only" };

const COMPARISON = { lt: "is under", lte: "or under", gt: "is over", gte: "or over" };
const SOURCE = { chapter: "Chapter", practice: "Practice" };

function valueWords(question, value) {
  if (value === true) return "yes";
  if (value === false) return "no";
  if (typeof value === "number") return String(value);
  const option = (question.options || []).find((o) => o.value === value);
  return `“${option ? option.label : value}”`;
}

export function leafWords(cond, questions, negated = false) {
  const question = questions.get(cond.q);
  const subject = `“${question.label}”`;
  const { op, value } = cond;
  if (op === "answered" || op === "empty") {
    return `${subject} is ${(op === "answered") !== negated ? "answered" : "not answered"}`;
  }
  if (op === "eq") {
    return `${subject} ${negated ? "is not" : "is"} ${valueWords(question, value)}${negated ? " (or not answered)" : ""}`;
  }
  if (op === "in") {
    return `${subject} is ${negated ? "none" : "one"} of ${value.map((v) => valueWords(question, v)).join(", ")}`;
  }
  if (op === "includes") {
    return `${subject} ${negated ? "does not include" : "includes"} ${valueWords(question, value)}`;
  }
  const words = op === "lt" || op === "gt" ? `${subject} ${COMPARISON[op]} ${value}` : `${subject} is ${value} ${COMPARISON[op]}`;
  return negated ? `not: ${words}` : words;
}

/** A condition as nested lists, the same words as the Markdown of `flask procedures explain`. */
export function conditionWords(cond, questions) {
  if ("all" in cond || "any" in cond) {
    const key = "all" in cond ? "all" : "any";
    return h("li", {}, key === "all" ? "All of these:" : "Any of these:",
      h("ul", {}, cond[key].map((c) => conditionWords(c, questions))));
  }
  if ("not" in cond) {
    if ("q" in cond.not) return h("li", {}, leafWords(cond.not, questions, true));
    return h("li", {}, "None of the following:", h("ul", {}, conditionWords(cond.not, questions)));
  }
  return h("li", {}, leafWords(cond, questions));
}

export function reviewWords(document) {
  const review = document.review || {};
  if (!review.reviewed_by) return "Not yet reviewed by a safeguarding lead.";
  return `Signed off by ${review.reviewed_by}${review.role ? `, ${review.role}` : ""}${review.date ? `, on ${review.date}` : ""}.`;
}

// Whom each rule is about, in the same words as backend/procedures/explain.py.
const ABOUT = {
  child: "the young person visited",
  adult: "the adult of concern, and the children that adult can reach",
  other_child: "another child: the child in an image",
  other_children: "the other children in the adult's household",
};
const UNKNOWNS = "One principle for what is not known: if every possible answer to an unanswered question " +
  "would bring an action, not answering brings it too, shown with the condition it rests on " +
  "and with that question first in what is still to answer. A young person whose age is not " +
  "known is treated as a child.";

function restsOn(ids, paragraphs) {
  return h("ul", { class: "rests-on" }, ids.map((pid) => h("li", {},
    h("a", { href: `/procedure#${pid}` }, `¶${paragraphs[pid].number}`), ` ${paragraphs[pid].summary}`)));
}

export async function render(main) {
  let document;
  try {
    document = await procedure.current();
  } catch (error) {
    replace(main, h("div", { class: "page" }, h("h1", {}, "How SafeVisit decides"),
      h("p", {}, "The procedure is not on this phone yet. Open SafeVisit once with a connection.")));
    return;
  }
  const questions = new Map(procedure.questions(document).map((q) => [q.id, q]));
  const paragraphs = procedure.paragraphsById(document);
  const actions = new Map(document.actions.map((a) => [a.id, a]));

  const rules = document.rules.map((rule, i) => h("article", { class: "card rule-explained", id: `rule-${rule.id}`,
    "data-rule": rule.id, "aria-labelledby": `rule-${rule.id}-title` },
  h("h3", { id: `rule-${rule.id}-title` }, `${i + 1}. ${rule.why}`, " ", sourceLabel(rule.source || "chapter")),
  h("p", { class: "muted" }, `${SOURCE[rule.source || "chapter"]} · rule ${rule.id}`),
  rule.about ? h("p", { class: "rule-about" }, h("strong", {}, "About: "), `${ABOUT[rule.about]}.`) : null,
  rule.images ? h("p", { class: "rule-images" }, h("strong", {}, "Images: "), `${rule.images}.`) : null,
  rule.age_reason ? h("p", {}, h("strong", {}, "Reads the young person's age because: "), rule.age_reason) : null,
  rule.needs_known ? h("p", {}, h("strong", {}, "Only when answered: "),
    rule.needs_known.map((q) => `“${questions.get(q).label}”`).join(", "), `. ${rule.needs_known_reason}`) : null,
  h("p", {}, "Recommends, when:"),
  h("ul", { class: "condition" }, conditionWords(rule.when, questions)),
  h("p", {}, "Actions:"),
  h("ul", {}, rule.then.map((then) => {
    const action = actions.get(then.action);
    const only = AUDIENCE[(action.audience || []).join()];
    return h("li", {}, h("strong", {}, `${URGENCY_LABEL[then.urgency]}: `), action.title, " ",
      sourceLabel(action.source || "chapter"), only ? h("span", { class: "muted" }, ` (${only})`) : null);
  })),
  h("p", {}, "Rests on:"), restsOn(rule.paragraphs, paragraphs),
  rule.reference ? h("p", { class: "note" }, rule.reference) : null));

  const scope = (document.scope || []).map((note) => h("article", { class: "card", "data-scope": note.id },
    h("ul", { class: "condition" }, conditionWords(note.when, questions)),
    h("p", {}, note.text), h("p", {}, "Rests on:"), restsOn(note.paragraphs, paragraphs)));
  const guidance = (document.guidance || []).map((item) => h("article", { class: "card", "data-guidance": item.id },
    h("h3", {}, item.title, " ", sourceLabel(item.source)), h("p", {}, "Shown when:"),
    h("ul", { class: "condition" }, conditionWords(item.when, questions)),
    h("p", {}, item.text), h("p", { class: "note" }, item.reference)));

  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/procedure" }, "← The procedure")),
    h("h1", {}, "How SafeVisit decides"),
    h("p", { class: "muted" }, `${document.title}, ${procedure.versionLabel(document)} (${document.updated}).`),
    h("p", { class: "review", id: "review" }, h("strong", {}, "Review: "), reviewWords(document)),
    h("p", {}, "SafeVisit recommends; the professional decides and records why. A question that is not answered is never read as “no”: when its answer would change a recommendation already in play, SafeVisit asks for it at the top of the recommendations."),
    procedure.questions(document).some((q) => q.unknown) ? h("p", { id: "unknowns" }, UNKNOWNS) : null,
    document.changes?.length ? h("section", { "aria-labelledby": "changes-title" },
      h("h2", { id: "changes-title" }, "What changed in this revision"),
      h("ul", {}, document.changes.map((c) => h("li", {}, c)))) : null,
    scope.length ? h("section", { "aria-labelledby": "scope-title" },
      h("h2", { id: "scope-title" }, "Age range"), scope) : null,
    h("section", { "aria-labelledby": "rules-title" }, h("h2", { id: "rules-title" }, `Rules (${rules.length})`), rules),
    guidance.length ? h("section", { "aria-labelledby": "guidance-title" },
      h("h2", { id: "guidance-title" }, "Guidance"), guidance) : null));
}
