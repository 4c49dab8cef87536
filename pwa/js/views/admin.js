// /admin: the admin console's home. Admins only (MANAGE_PEOPLE); online.
import { h, replace } from "../dom.js";
import { drawAlertingWarning } from "./alerting-warning.js";

// [path, title, what it is for]. The single sign-on claim mapping
// (/admin/single-sign-on) joins this list as its own entry.
export const SECTIONS = [
  ["/admin/people", "People", "Create local accounts, change role or team, issue setup codes, end sessions, deactivate."],
  ["/admin/teams", "Teams", "Create and rename teams, and the duty desk and out-of-hours numbers their phones show."],
  ["/admin/audit", "Audit log", "Who read or changed what, searched by person, concern and date; export as CSV."],
  ["/admin/records", "Records", "Subject access: export a child's case for the data protection officer. Place and lift legal holds on concerns."],
  ["/admin/single-sign-on", "Single sign-on", "Which of your organisation's roles and groups become which SafeVisit role and team."],
];

export async function render(main) {
  // No alert worker seen lately: said first, above everything else on the page.
  const alertingBox = h("div", { id: "alerting-warning" });
  await drawAlertingWarning(alertingBox);
  replace(main, h("div", { class: "page" },
    h("h1", {}, "Admin console"),
    alertingBox,
    h("p", { class: "muted" }, "Works online only: nothing here is kept on this phone."),
    h("ul", { class: "console-sections" }, SECTIONS.map(([href, title, text]) => h("li", {},
      h("a", { class: "console-link card", href }, h("span", { class: "console-title" }, title),
        h("span", { class: "muted" }, text)))))));
}
