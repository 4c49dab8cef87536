// "Alerts are not being sent": the top of the duty manager's queue and the admin console, when
// no alert worker has been seen lately (GET /api/alerting). Empty while alerts are flowing, and
// when the answer cannot be had (offline: the queue says so itself).
import * as api from "../api.js";
import { h, replace } from "../dom.js";

let timeFormat = null;

export function lastSeenText(iso) {
  if (!iso) return "Alerts are not being sent — no alert worker has run yet";
  timeFormat ||= new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
  return `Alerts are not being sent — the alert worker was last seen at ${timeFormat.format(new Date(iso))}`;
}

/** Fills `box` with the warning, or empties it. */
export async function drawAlertingWarning(box) {
  let state;
  try {
    state = await api.alerting();
  } catch (error) {
    if (!(error instanceof api.NetworkError)) console.warn("alerting state not read", error);
    return;
  }
  replace(box, state.state === "delayed" ? h("section", { class: "notice notice-danger", role: "alert",
    "aria-labelledby": "alerting-title" },
    h("h2", { id: "alerting-title" }, lastSeenText(state.last_seen)),
    h("p", {}, "Urgent concerns wait in the queue until it is back; check the queue here and " +
      "tell whoever runs SafeVisit.")) : null);
}
