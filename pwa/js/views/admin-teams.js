// /admin/teams (list and create) and /admin/teams/<id> (rename; the duty desk and out-of-hours
// numbers and office hours that the team's phones keep for a child in immediate danger).
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";
import { backLink, clearErrors, field, online, showErrors } from "./admin-parts.js";

const NUMBER_HELP = "Digits, spaces, + ( ) and - only. Leave empty for none.";

// The days a duty desk commonly answers; a team set otherwise (by the CLI) keeps its own.
const DAY_CHOICES = [["", "No set hours: phones show both numbers"], ["mon-fri", "Monday to Friday"],
  ["mon-sat", "Monday to Saturday"], ["mon-sun", "Every day"]];
const DAY_SPANS = { 12345: "mon-fri", 123456: "mon-sat", 1234567: "mon-sun" };
const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function daysSelect(team) {
  const current = team.office_days ? (DAY_SPANS[team.office_days]
    || [...team.office_days].map((d) => DAY_NAMES[Number(d) - 1]).join(",")) : "";
  const choices = DAY_CHOICES.some(([value]) => value === current) ? DAY_CHOICES
    : [...DAY_CHOICES, [current, team.office_hours || current]];
  return h("select", {}, choices.map(([value, label]) => h("option", { value, selected: value === current }, label)));
}

function teamInputs(team = {}) {
  return {
    name: h("input", { autocomplete: "off", value: team.name || "" }),
    duty_phone: h("input", { type: "tel", autocomplete: "off", value: team.duty_phone || "" }),
    out_of_hours_phone: h("input", { type: "tel", autocomplete: "off", value: team.out_of_hours_phone || "" }),
    office_days: daysSelect(team),
    office_opens: h("input", { type: "time", value: team.office_opens || "09:00" }),
    office_closes: h("input", { type: "time", value: team.office_closes || "17:00" }),
    time_zone: h("input", { autocomplete: "off", maxlength: "64", value: team.time_zone || "Europe/London" }),
  };
}

function teamFields(prefix, inputs) {
  return [
    field(`${prefix}-name`, "Team name", inputs.name),
    field(`${prefix}-duty`, "Duty desk number", inputs.duty_phone, NUMBER_HELP),
    field(`${prefix}-ooh`, "Out-of-hours number (Emergency Duty Team)", inputs.out_of_hours_phone, NUMBER_HELP),
    h("fieldset", { class: "field" }, h("legend", {}, "Office hours"),
      h("p", { class: "help" }, "When the duty desk answers. Phones offer the duty desk then, and the " +
        "out-of-hours number at other times, even with no signal."),
      field(`${prefix}-days`, "Days", inputs.office_days),
      field(`${prefix}-opens`, "Opens", inputs.office_opens),
      field(`${prefix}-closes`, "Closes", inputs.office_closes),
      field(`${prefix}-zone`, "Time zone", inputs.time_zone, "An IANA name, such as Europe/London.")),
  ];
}

function values(inputs) {
  const body = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value.trim()]));
  // No set hours: the times are not kept either.
  if (!body.office_days) body.office_opens = body.office_closes = "";
  return body;
}

export async function render(main, ctx) {
  const title = "Teams";
  const listed = await online(main, title, () => api.adminTeams(), () => render(main, ctx));
  if (!listed) return;
  const inputs = teamInputs();
  const formError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });

  async function create(event) {
    event.preventDefault();
    try {
      const team = await api.createTeam(values(inputs));
      clearErrors(formError, inputs);
      announce(`Team ${team.name} created.`);
      await render(main, ctx);
    } catch (error) {
      showErrors(formError, error, inputs);
    }
  }

  replace(main, h("div", { class: "page" },
    h("h1", {}, title),
    backLink("/admin", "Admin console"),
    h("ul", { class: "teams" }, listed.teams.map((team) => h("li", { class: "card", "data-team": String(team.id) },
      h("h2", {}, team.name),
      h("p", { class: "muted" }, team.members === 1 ? "1 active person" : `${team.members} active people`),
      h("p", {}, `Duty desk: ${team.duty_phone || "none"} · Out of hours: ${team.out_of_hours_phone || "none"}`),
      team.office_hours ? h("p", {}, `Office hours: ${team.office_hours}`) : null,
      h("a", { class: "btn btn-secondary btn-small", href: `/admin/teams/${team.id}`,
        "aria-label": `Edit team ${team.name}` }, "Edit")))),
    h("form", { class: "card form", onsubmit: create, novalidate: true, "aria-labelledby": "team-new-title" },
      h("h2", { id: "team-new-title" }, "Add a team"),
      formError,
      teamFields("new-team", inputs),
      h("button", { type: "submit", class: "btn" }, "Create team"))));
}

export async function renderOne(main, ctx) {
  const [id] = ctx.params;
  let team;
  try {
    team = await online(main, "Team", () => api.adminTeam(id), () => renderOne(main, ctx));
  } catch (error) {
    if (error.status !== 404) throw error;
    replace(main, h("div", { class: "page" }, h("h1", {}, "No such team"), backLink("/admin/teams", "Back to teams")));
    return;
  }
  if (!team) return;
  const inputs = teamInputs(team);
  const formError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });

  async function save(event) {
    event.preventDefault();
    try {
      const saved = await api.updateTeam(team.id, values(inputs));
      clearErrors(formError, inputs);
      announce(`Team ${saved.name} saved. Its phones get the numbers at their next connection.`);
      await ctx.navigate("/admin/teams");
    } catch (error) {
      showErrors(formError, error, inputs);
    }
  }

  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, `Team ${team.name}`),
    backLink("/admin/teams", "Back to teams"),
    h("form", { class: "card form", onsubmit: save, novalidate: true },
      formError,
      teamFields("edit-team", inputs),
      h("button", { type: "submit", class: "btn btn-block" }, "Save team"))));
}
