// Pieces the duty manager's screens share (queue, concern, chronology, pack): labels for
// statuses and action states, ages, answers, and the plain "you are offline" notice.
// Managers work online: their screens read the server and keep nothing on the phone.
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";
import { STATUS_LABEL as STATUS } from "../names.js";
import * as procedure from "../procedure.js";
import { isRestricted, restrictedPage } from "./restriction.js";

export { STATUS }; // the desk screens' name for the labels of names.js
export const ACTION_STATE = { to_do: "To do", done: "Done", not_needed: "Not needed" };

export function statusBadge(status) {
  return h("span", { class: `status status-${status}` }, STATUS[status] || status);
}

/** "5 min ago", "3 h ago", "2 days ago": how long a concern has waited. */
export function age(iso, now = Date.now()) {
  if (!iso) return "";
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export const OFFLINE_TEXT = "You are offline. The duty desk needs a connection: nothing here is kept on this phone.";

/** A full page for when the server cannot be reached, with a way to try again. */
export function offlinePage(main, title, retry) {
  replace(main, h("div", { class: "page" }, h("h1", {}, title),
    h("p", { class: "notice", role: "status", id: "offline-notice" }, OFFLINE_TEXT),
    h("button", { type: "button", class: "btn", onclick: retry }, "Try again")));
}

/** The concern page, or the not-found page; null when offline (the offline page is shown). */
export async function loadConcern(main, id, title, retry) {
  try {
    return await api.concern(id);
  } catch (error) {
    if (error instanceof api.NetworkError) {
      offlinePage(main, title, retry);
      return null;
    }
    if (isRestricted(error)) {
      restrictedPage(main, id, retry);
      return null;
    }
    if (error.status === 404 || error.status === 403) {
      replace(main, h("div", { class: "page" }, h("h1", {}, "Concern not found"),
        h("a", { href: "/queue", class: "btn" }, "Back to the queue")));
      return null;
    }
    throw error;
  }
}

/** A notice that follows the connection while the page is open; returns a remover. */
export function watchConnection(container) {
  const draw = () => replace(container, navigator.onLine ? null
    : h("p", { class: "notice", role: "status", id: "offline-notice" }, OFFLINE_TEXT));
  draw();
  window.addEventListener("online", draw);
  window.addEventListener("offline", draw);
  return () => {
    window.removeEventListener("online", draw);
    window.removeEventListener("offline", draw);
  };
}

/** The error to show for a failed step: offline said plainly, otherwise the server's words. */
export function stepError(error) {
  if (error instanceof api.NetworkError) return OFFLINE_TEXT;
  return error.message;
}

/** The procedure version the concern was made under, and its paragraphs by id. */
export async function procedureFor(concern) {
  const document = await procedure.version(concern.procedure, concern.procedure_version);
  return { document, paragraphs: procedure.paragraphsById(document) };
}

export function answerRows(document, answers) {
  return procedure.questions(document).filter((q) => q.id in answers)
    .map((q) => h("div", { class: "answer" }, h("dt", {}, q.label), h("dd", {}, answerText(q, answers[q.id]))));
}

/** An answer in words: Yes/No, the options' labels, "None" for an empty choice. */
export function answerText(question, value) {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  const label = (v) => question.options?.find((o) => o.value === v)?.label ?? String(v);
  if (Array.isArray(value)) return value.length ? value.map(label).join(", ") : "None";
  return label(value);
}

/** One line for an action's state: "Done 3 Mar 10:15 by Morgan Manager · ref POLICE-1". */
export function actionStateLine(action) {
  const parts = [ACTION_STATE[action.state] || action.state];
  if (action.state !== "to_do" && action.changed_at) {
    parts[0] += ` ${when(action.changed_at)}${action.changed_by ? ` by ${action.changed_by.display_name}` : ""}`;
  }
  if (action.state === "to_do") parts.push(`${action.overdue ? "overdue since" : "due"} ${when(action.due_at)}`);
  if (action.reference) parts.push(`reference ${action.reference}`);
  return parts.join(" · ");
}

export const chronologyPath = (caseReference) => `/cases/${encodeURIComponent(caseReference)}/chronology`;

/** "Child Abuse and the Internet, chapter v10, SafeVisit revision 2": the rules it was made under. */
export function madeUnder(document) {
  return `${document.title}, ${procedure.versionLabel(document)}`;
}

/**
 * The decisive questions left unanswered at submission: what each would have
 * decided, and whether the author chose to submit without it. Nothing when there were none.
 */
export function gapsSection(concern, headingId) {
  const gaps = concern.submitted_without || [];
  if (!gaps.length) return null;
  return h("section", { class: "card", id: "submitted-without", "aria-labelledby": headingId },
    h("h2", { id: headingId }, "Submitted without these answers"),
    h("ul", {}, gaps.map((gap) => h("li", {},
      h("strong", {}, gap.label), `: ${gap.because} `,
      h("span", { class: "muted" }, gap.confirmed
        ? "(the author chose to submit without it)"
        : "(not confirmed on the phone: its app may predate the question)")))));
}
