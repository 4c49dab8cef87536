// "Versions of this record" (GET /api/concerns/<id>/history): every version of one concern,
// oldest first — what the worker sent first, each later version from the phone with what it
// changed, addenda, and the manager's steps — each with who made it and when. The chronology
// lists events across a case; this is the content of one record, so nothing said earlier is
// lost from view. Online only, like the rest of the duty desk; every read is on the audit log.
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";
import { loadConcern, madeUnder, offlinePage, procedureFor, watchConnection } from "./desk-parts.js";
import { isRestricted, restrictedPage } from "./restriction.js";
import { content, kindLabel, withBefore } from "./revision-words.js";

const TITLE = "Versions of this record";

export async function render(main, ctx) {
  const id = ctx.params[0];
  const retry = () => render(main, ctx);
  let history;
  try {
    history = await api.concernHistory(id);
  } catch (error) {
    if (error instanceof api.NetworkError) return offlinePage(main, TITLE, retry);
    if (isRestricted(error)) return restrictedPage(main, id, retry);
    if (error.status !== 404 && error.status !== 403) throw error;
    // Another team's concern answers as if it did not exist: say so, and give nothing away.
    replace(main, h("div", { class: "page" }, h("h1", {}, "Versions not available"),
      h("p", { class: "notice", id: "versions-refused" },
        "This concern is not one you may see: it belongs to another team, or there is no such concern."),
      h("a", { href: "/queue", class: "btn" }, "Back to the queue")));
    return;
  }
  const concern = await loadConcern(main, id, TITLE, retry);
  if (!concern) return;
  const { document } = await procedureFor(concern);
  const entries = withBefore(history.revisions);
  const connection = h("div", {});
  replace(main, h("div", { class: "page" },
    h("p", {}, h("a", { href: `/concerns/${encodeURIComponent(id)}`, class: "back-link" }, "Back to the concern")),
    h("h1", {}, TITLE),
    connection,
    h("p", { class: "muted" }, `Concern ${concern.case_reference}, made under ${madeUnder(document)}. ` +
      `${entries.length} version${entries.length === 1 ? "" : "s"}, oldest first. A version sent from the phone ` +
      "shows what changed from the one before it."),
    h("ol", { class: "record-versions", "aria-label": "Versions, oldest first" },
      entries.map((entry) => version(entry, document)))));
  ctx.onLeave(watchConnection(connection));
}

function version(entry, document) {
  const { revision } = entry;
  return h("li", { class: "record-version", "data-kind": revision.kind, "data-version": revision.version },
    h("h2", {}, `Version ${revision.version}: ${kindLabel(revision)}`),
    h("p", { class: "chrono-when" }, revision.author ? `By ${revision.author.display_name}, ` : "",
      h("time", { datetime: revision.created_at }, when(revision.created_at))),
    content(entry, document));
}
