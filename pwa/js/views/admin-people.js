// /admin/people (search and list) and /admin/people/new (a local account and its setup code).
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";
import { roleName, roleOptions } from "../names.js";
import { backLink, clearErrors, codeCard, field, online, select, showErrors } from "./admin-parts.js";

function personItem(person) {
  return h("li", { class: "person", "data-person": String(person.id) },
    h("a", { class: "person-link", href: `/admin/people/${person.id}` },
      h("span", { class: "person-name" }, person.display_name),
      h("span", { class: "muted" }, `${person.username} · ${roleName(person.role)} · ${person.team.name}`),
      person.active ? null : h("span", { class: "status status-attention" }, "Deactivated")));
}

export async function render(main, ctx) {
  const title = "People";
  const retry = () => render(main, ctx);
  const teams = await online(main, title, () => api.adminTeams(), retry);
  if (!teams) return;
  const q = h("input", { type: "search", autocomplete: "off" });
  const team = select([["", "Every team"], ...teams.teams.map((t) => [t.id, t.name])], "");
  const results = h("div", { id: "people-results", "aria-live": "polite" });
  const formError = h("div", { class: "form-error", role: "alert" });

  async function search(event) {
    event?.preventDefault();
    const params = {};
    if (q.value.trim()) params.q = q.value.trim();
    if (team.value) params.team = team.value;
    let found;
    try {
      found = (await api.adminPeople(params)).people;
    } catch (error) {
      showErrors(formError, error, { q, team });
      return;
    }
    clearErrors(formError, { q, team });
    replace(results, h("p", { class: "muted" }, found.length === 1 ? "1 person" : `${found.length} people`),
      found.length ? h("ul", { class: "people" }, found.map(personItem)) : h("p", { class: "empty" }, "Nobody matches."));
  }

  replace(main, h("div", { class: "page" },
    h("h1", {}, title),
    backLink("/admin", "Admin console"),
    h("a", { class: "btn btn-block", href: "/admin/people/new" }, "Add a person"),
    h("form", { class: "card form search", role: "search", onsubmit: search, "aria-label": "Find people" },
      formError,
      field("people-q", "Name or username", q),
      field("people-team", "Team", team),
      h("button", { type: "submit", class: "btn" }, "Search")),
    results));
  await search();
}

export async function renderNew(main, ctx) {
  const title = "Add a person";
  const retry = () => renderNew(main, ctx);
  const teams = await online(main, title, () => api.adminTeams(), retry);
  if (!teams) return;
  const inputs = {
    display_name: h("input", { autocomplete: "off", required: true }),
    username: h("input", { autocomplete: "off", autocapitalize: "none", spellcheck: "false", required: true }),
    role: select(roleOptions(), "foster_carer"),
    team_id: select(teams.teams.map((t) => [t.id, t.name]), teams.teams[0]?.id),
  };
  const formError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });
  const submit = h("button", { type: "submit", class: "btn btn-block" }, "Create account");

  async function onsubmit(event) {
    event.preventDefault();
    submit.disabled = true;
    try {
      const answer = await api.createPerson({
        display_name: inputs.display_name.value.trim(), username: inputs.username.value.trim(),
        role: inputs.role.value, team_id: Number(inputs.team_id.value),
      });
      replace(main, h("div", { class: "page" },
        h("h1", { tabindex: "-1" }, "Account created"),
        h("p", {}, `${answer.person.display_name} (${answer.person.username}) is a ${roleName(answer.person.role).toLowerCase()} in ${answer.person.team.name}. They have no password until they set one with this code.`),
        codeCard(answer),
        h("a", { class: "btn btn-block", href: `/admin/people/${answer.person.id}` }, "Done"),
        backLink("/admin/people", "Back to people")));
      main.querySelector("h1").focus();
      announce(`Account created for ${answer.person.display_name}. The setup code is shown once.`);
    } catch (error) {
      showErrors(formError, error, inputs);
    } finally {
      submit.disabled = false;
    }
  }

  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, title),
    backLink("/admin/people", "Back to people"),
    h("p", {}, "A local account, for people who do not sign in with the organisation's account (foster carers, for example). You get a one-time setup code to give them; nobody ever sends a password."),
    h("form", { class: "card form", onsubmit, novalidate: true },
      formError,
      field("person-name", "Full name", inputs.display_name),
      field("person-username", "Username", inputs.username, "Letters, digits, dots, hyphens or underscores; they sign in with it."),
      field("person-role", "Role", inputs.role),
      field("person-team", "Team", inputs.team_id),
      submit)));
}
