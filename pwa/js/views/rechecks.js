// /rechecks (duty managers, admins): open concerns whose recommendations would differ under a
// newer revision of the procedure's encoding. The concern keeps its revision; this says what
// the new one would add or drop, so the manager can look again.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { URGENCY_LABEL } from "../names.js";

function actionList(items) {
  return h("ul", {}, items.map((a) => h("li", { "data-action": a.action },
    h("strong", {}, `${URGENCY_LABEL[a.urgency] || a.urgency}: `), a.title)));
}

export async function render(main) {
  let body;
  try {
    body = await api.procedureRechecks();
  } catch (error) {
    replace(main, h("div", { class: "page" }, h("h1", {}, "Concerns to look at again"),
      h("p", { role: "alert" }, "This list needs a connection. Try again when you are online.")));
    return;
  }
  replace(main, h("div", { class: "page" },
    h("h1", {}, "Concerns to look at again"),
    h("p", { class: "muted" }, "Open concerns of your team whose recommendations would differ under the newest revision of the procedure's encoding. Each concern keeps the revision it was made under."),
    body.rechecks.length ? h("ul", { class: "rechecks" }, body.rechecks.map((r) => h("li", { class: "card", "data-concern": r.concern_id },
      h("h2", {}, h("a", { href: `/concerns/${encodeURIComponent(r.concern_id)}` }, r.case_reference)),
      h("p", { class: "muted" }, `Made under ${r.from_version}; now ${r.to_version}.`),
      r.added.length ? [h("p", {}, "The new revision would also recommend:"), actionList(r.added)] : null,
      r.removed.length ? [h("p", {}, "The new revision would no longer recommend:"), actionList(r.removed)] : null)))
      : h("p", { class: "empty" }, "None: no open concern's recommendations change.")));
}
