// The recommended-actions panel: what the procedure says to do, why, and where it says so.
import { h, replace } from "../dom.js";
import { citations } from "./questions.js";

export const URGENCY_LABEL = {
  immediate: "Immediate", urgent: "Urgent", soon: "Soon", routine: "Routine",
};

export function urgencyBadge(urgency) {
  return h("span", { class: `badge badge-${urgency}` }, URGENCY_LABEL[urgency]);
}

export function actionItem(action, paragraphs) {
  return h("li", { class: `action action-${action.urgency}`, "data-action": action.action },
    h("div", { class: "action-head" }, urgencyBadge(action.urgency),
      h("h3", { class: "action-title" }, action.title)),
    h("ul", { class: "reasons" }, action.reasons.map((r) => h("li", {}, r.why))),
    citations(action.paragraphs, paragraphs));
}

/** Redraws the panel; returns a one-line summary for the sticky bar and announcements. */
export function drawActions(panel, result, paragraphs) {
  const count = result.actions.length;
  const summary = count
    ? `${count} recommended action${count === 1 ? "" : "s"}, most urgent: ${URGENCY_LABEL[result.urgency].toLowerCase()}`
    : "No recommended actions yet";
  replace(panel,
    h("h2", { id: "actions-title", tabindex: "-1" }, "What the procedure recommends"),
    h("p", { class: "muted" },
      "Worked out on this phone from your answers. The procedure recommends; you decide and record why."),
    count ? h("ol", { class: "actions" }, result.actions.map((a) => actionItem(a, paragraphs)))
      : h("p", { class: "empty" }, "Nothing yet. Recommendations appear here as you answer."));
  return summary;
}
