// The recommended-actions panel: first what the procedure cannot decide yet (decisive
// unanswered questions) and whether the child is outside its age range, then what it says to
// do, why, and where it says so; practice beyond the chapter is labelled as practice.
import { h, replace } from "../dom.js";
import { URGENCY_LABEL } from "../names.js";
import { citations } from "./questions.js";

export function urgencyBadge(urgency) {
  return h("span", { class: `badge badge-${urgency}` }, URGENCY_LABEL[urgency]);
}

export function sourceLabel(source) {
  return source === "practice"
    ? h("span", { class: "tag tag-practice", title: "Good practice beyond the chapter" }, "Practice")
    : null;
}

// Digits and a leading + only: what a tel: link dials.
const dialable = (number) => number.replace(/(?!^\+)[^0-9]/g, "");

function callLink(number, label) {
  return h("a", { class: "btn btn-call", href: `tel:${dialable(number)}` }, `${label}: ${number}`);
}

/** The numbers to call, from the team the phone keeps offline (null when not set). */
function calls(action, team) {
  if (action.action === "call-999") return h("p", { class: "calls" }, callLink("999", "Call 999"));
  // Only the worker's own checklist knows the team; a manager reading a concern needs no link.
  if (action.action !== "call-duty-desk" || team === null) return null;
  const links = [];
  if (team?.duty_phone) {
    links.push(callLink(team.duty_phone, "Duty desk"),
      team.office_hours ? h("span", { class: "muted" }, ` ${team.office_hours}`) : null);
  }
  if (team?.out_of_hours_phone) links.push(callLink(team.out_of_hours_phone, "Out of hours (Emergency Duty Team)"));
  return h("p", { class: "calls" }, links.length ? links
    : "Your team's numbers are not set on this phone: ask your manager or administrator to set them.");
}

// A recommendation that rests on an unanswered question says so, and what to find out.
export function conditionLine(action) {
  if (!action.condition) return null;
  return h("p", { class: "condition-note", "data-condition": action.condition.question },
    h("strong", {}, "If not yet known: "), action.condition.text);
}

// Who tells the police, and how (practice: the chapter says the police are told, not by whom).
const POLICE_REFERENCE = "Practice: 999 when a child is in immediate danger (Working Together to Safeguard " +
  "Children 2023); otherwise Children's Social Care, reached through the duty desk, makes the " +
  "referral to the police, and 101 is the police's non-emergency number.";

function whoTellsPolice(danger) {
  if (danger) {
    return h("div", { class: "who-calls", "data-who": "999" },
      h("p", {}, h("strong", {}, "Who calls the police: "), "you, now, on 999 — the child is in immediate danger."),
      h("p", { class: "calls" }, callLink("999", "Call the police")));
  }
  return h("div", { class: "who-calls", "data-who": "duty-desk" },
    h("p", {}, h("strong", {}, "Who tells the police: "),
      "the duty desk, when you phone them now. If a meeting is about to happen or the child is in danger, call 999 yourself. " +
      "If you cannot reach the desk, call the police's non-emergency number, 101.", " ",
    h("span", { class: "tag tag-practice", title: POLICE_REFERENCE }, "Practice")),
    h("p", { class: "calls" }, callLink("101", "Police non-emergency")));
}

/** A practice action's source, one tap away (a chapter action cites its paragraphs). */
function reference(text) {
  if (!text) return null;
  return h("details", { class: "reference" }, h("summary", {}, "Where this comes from"), h("p", {}, text));
}

/**
 * `team`: the worker's own team (tel: links), null on a manager's page; `about`: the document's
 * actions by id (their `contact` and `reference`); `danger`: 999 is recommended.
 */
export function actionItem(action, paragraphs, team = null, { about = {}, danger = false } = {}) {
  const known = about[action.action] || {};
  return h("li", { class: `action action-${action.urgency}`, "data-action": action.action,
    "data-source": action.source || "chapter" },
  h("div", { class: "action-head" }, urgencyBadge(action.urgency), sourceLabel(action.source),
    h("h3", { class: "action-title" }, action.title)),
  conditionLine(action),
  calls(action, team),
  known.contact === "police" && team !== null ? whoTellsPolice(danger) : null,
  action.source === "practice" ? reference(known.reference) : null,
  h("ul", { class: "reasons" }, action.reasons.map((r) => h("li", {}, r.why))),
  citations(action.paragraphs, paragraphs));
}

export function guidanceBox(item) {
  return h("aside", { class: "guidance", "data-guidance": item.id, "aria-label": item.title },
    h("h3", {}, item.title, " ", sourceLabel(item.source)),
    h("p", {}, item.text));
}

function needsList(needs) {
  if (!needs.length) return null;
  return h("section", { class: "notice needs", id: "needs", "aria-labelledby": "needs-title" },
    h("h3", { id: "needs-title" }, "Still to answer"),
    h("ul", {}, needs.map((n) => h("li", { "data-need": n.question },
      h("a", { href: `#q-${n.question}` }, `Answer “${n.label}”`), `: ${n.because}`))));
}

/**
 * Redraws the panel; returns a one-line summary for the sticky bar and announcements.
 * `top`: an element kept across redraws and put first (the worker's duty desk box).
 */
export function drawActions(panel, result, paragraphs, team = null, top = null, about = {}) {
  const danger = result.actions.some((a) => a.action === "call-999");
  const count = result.actions.length;
  const gaps = result.needs?.length || 0;
  const summary = (count
    ? `${count} recommended action${count === 1 ? "" : "s"}, most urgent: ${URGENCY_LABEL[result.urgency].toLowerCase()}`
    : "No recommended actions yet") + (gaps ? `; ${gaps} question${gaps === 1 ? "" : "s"} still decide${gaps === 1 ? "s" : ""} a route` : "");
  replace(panel,
    h("h2", { id: "actions-title", tabindex: "-1" }, "What the procedure recommends"),
    top,
    result.scope ? h("p", { class: "notice notice-danger", id: "scope", "data-scope": result.scope.id },
      result.scope.text) : null,
    needsList(result.needs || []),
    h("p", { class: "muted" },
      "Worked out on this phone from your answers. The procedure recommends; you decide and record why."),
    count ? h("ol", { class: "actions" }, result.actions.map((a) => actionItem(a, paragraphs, team, { about, danger })))
      : h("p", { class: "empty" }, "Nothing yet. Recommendations appear here as you answer."),
    (result.guidance || []).map(guidanceBox));
  return summary;
}
