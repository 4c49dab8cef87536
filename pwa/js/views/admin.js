// /admin: the admin console's home. Admins only (MANAGE_PEOPLE); online.
import { ALL_TEAMS, can, MANAGE_PEOPLE, MANAGE_SSO } from "../capabilities.js";
import { h, replace } from "../dom.js";
import { drawAlertingWarning } from "./alerting-warning.js";

// [path, title, what it is for, the capability its route asks (routes.js)]: a link shows only
// to someone whose route would open. The single sign-on claim mapping (/admin/single-sign-on)
// joins this list as its own entry.
export const SECTIONS = [
  ["/admin/people", "People", "Create local accounts, change role or team, issue setup codes, end sessions, deactivate.", MANAGE_PEOPLE],
  ["/admin/teams", "Teams", "Create and rename teams, and the duty desk and out-of-hours numbers their phones show.", MANAGE_PEOPLE],
  ["/admin/audit", "Audit log", "Who read or changed what, searched by person, concern and date; export as CSV.", MANAGE_PEOPLE],
  ["/admin/records", "Records", "Subject access: export a child's case for the data protection officer. Place and lift legal holds on concerns.", MANAGE_PEOPLE],
  ["/admin/alerts", "Alert deliveries", "Whether urgent-concern alerts reach the managers' phones: sent, waiting, retried, failed or gone, and why.", ALL_TEAMS],
  ["/admin/single-sign-on", "Single sign-on", "Which of your organisation's roles and groups become which SafeVisit role and team.", MANAGE_SSO],
];

export async function render(main, ctx) {
  // No alert worker seen lately: said first, above everything else on the page.
  const alertingBox = h("div", { id: "alerting-warning" });
  await drawAlertingWarning(alertingBox);
  replace(main, h("div", { class: "page" },
    h("h1", {}, "Admin console"),
    alertingBox,
    h("p", { class: "muted" }, "Works online only: nothing here is kept on this phone."),
    h("ul", { class: "console-sections" }, SECTIONS.filter(([, , , needs]) => can(ctx.user, needs)).map(([href, title, text]) => h("li", {},
      h("a", { class: "console-link card", href }, h("span", { class: "console-title" }, title),
        h("span", { class: "muted" }, text)))))));
}
