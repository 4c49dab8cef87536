// "What you sent and what happened": a carer's or field worker's own concern read back from the
// server. The history gives its author only their own versions and the duty desk's steps as
// progress in a word (backend/concerns/author_view.py), never the manager's notes or decisions.
// The phone stops keeping what it sent once it is sent, so this needs a connection, and
// nothing read here is stored on the phone.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import * as procedure from "../procedure.js";
import { versionItem, withBefore } from "./revision-words.js";

const TITLE = "What you sent and what happened";
const OFFLINE = "You are offline. What you sent is no longer kept on this phone, so reading it back needs a connection.";

export async function render(main, ctx) {
  const id = ctx.params[0];
  let history;
  let concern;
  try {
    [history, concern] = await Promise.all([api.concernHistory(id), api.concern(id)]);
  } catch (error) {
    if (error instanceof api.NetworkError) {
      replace(main, h("div", { class: "page" }, h("h1", {}, TITLE),
        h("p", { class: "notice", role: "status", id: "offline-notice" }, OFFLINE),
        h("button", { type: "button", class: "btn", onclick: () => render(main, ctx) }, "Try again")));
      return;
    }
    if (error.status !== 404 && error.status !== 403) throw error;
    replace(main, h("div", { class: "page" }, h("h1", {}, "Concern not found"),
      h("p", {}, "This is not a concern you sent, or there is no such concern."),
      h("a", { href: "/", class: "btn" }, "Back to home")));
    return;
  }
  const document = await procedure.version(concern.procedure, concern.procedure_version);
  const entries = withBefore(history.revisions);
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: "/", class: "back-link" }, "Back to home")),
    h("h1", {}, TITLE),
    h("p", { class: "muted", id: "sent-progress" }, `Concern ${concern.case_reference}. Where it stands: ${concern.progress_label}.`),
    h("p", { class: "muted" }, "Your versions, oldest first, and each step the duty desk has taken, in a word. " +
      "A later version shows what changed from the one before it."),
    h("ol", { class: "record-versions", "aria-label": "Versions, oldest first" },
      // Only the author's own versions carry content; the desk's steps are progress, with no name.
      entries.map((entry) => versionItem(entry, document, (revision) => (revision.kind === "progress" ? null : "you"))))));
}
