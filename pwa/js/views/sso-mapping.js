// Single sign-on settings (admins, online): which values of the organisation's role and team
// claims give which SafeVisit role and team. A person none of whose values is mapped is refused
// at sign-in, and nothing is made for them (backend/sso/mapping.py).
import * as api from "../api.js";
import { announce, confirmDialog, h, replace, uid } from "../dom.js";
import { roleName } from "../names.js";
import { clearErrors, describe, errorLine, errorSummary, serverErrors, showErrors } from "./form-errors.js";

export async function render(main, ctx) {
  const data = await api.ssoMapping();
  const page = h("div", { class: "page" });
  replace(main, page);
  draw(page, data, ctx);
}

function draw(page, data, ctx) {
  const reload = async (message) => {
    draw(page, await api.ssoMapping(), ctx);
    if (message) announce(message);
  };
  const roles = data.mappings.filter((m) => m.claim === "role");
  const teams = data.mappings.filter((m) => m.claim === "team");
  replace(page,
    h("h1", {}, "Single sign-on"),
    h("p", { class: "muted" }, h("a", { href: "/" }, "Home")),
    data.configured
      ? h("p", {}, `People sign in with their organisation at ${data.issuer}. SafeVisit reads their roles from the `,
        h("code", {}, data.role_claim), " claim and their team from the ", h("code", {}, data.team_claim),
        " claim. Someone whose values are not mapped here is refused and told to ask an administrator.")
      : h("p", { class: "notice" }, "Single sign-on is not switched on for this server (SAFEVISIT_OIDC_ISSUER). "
        + "Mappings made here apply once it is."),
    section("Roles", "roles-title", data.role_claim, roles, (m) => roleName(m.role), reload),
    addForm({
      title: "Map a role", claim: "role", field: "role", label: "SafeVisit role",
      options: data.roles.map((r) => [r, roleName(r)]), reload,
    }),
    section("Teams", "teams-title", data.team_claim, teams, (m) => m.team?.name ?? "", reload),
    addForm({
      title: "Map a team", claim: "team", field: "team_id", label: "SafeVisit team",
      options: data.teams.map((t) => [String(t.id), t.name]), reload,
    }));
}

function section(title, id, claim, rows, target, reload) {
  return h("section", { class: "card", "aria-labelledby": id },
    h("h2", { id }, title),
    rows.length === 0
      ? h("p", { class: "muted" }, "Nothing mapped yet.")
      : h("table", { class: "mapping-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, `Value of ${claim || "the claim"}`),
          h("th", { scope: "col" }, "Gives"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Remove")))),
        h("tbody", {}, rows.map((m) => h("tr", {},
          h("td", {}, h("code", {}, m.value)),
          h("td", {}, target(m)),
          h("td", {}, h("button", {
            type: "button", class: "btn btn-small btn-secondary", "aria-label": `Remove ${m.value}`,
            onclick: async () => {
              const yes = await confirmDialog({
                title: "Remove this mapping?",
                body: `People whose only ${title.toLowerCase()} value is "${m.value}" will be refused at their next sign-in.`,
                confirm: "Remove", danger: true,
              });
              if (!yes) return;
              await api.ensureCsrf();
              await api.removeSsoMapping(m.id);
              await reload(`Removed ${m.value}.`);
            },
          }, "Remove")))))));
}

function addForm({ title, claim, field, label, options, reload }) {
  const valueId = uid("sso-value");
  const targetId = uid("sso-target");
  const errorId = uid("sso-error");
  const error = errorSummary(errorId);
  const value = h("input", { id: valueId, name: "value", required: true, autocomplete: "off", spellcheck: "false" });
  const target = h("select", { id: targetId, name: field, required: true },
    options.map(([id, name]) => h("option", { value: id }, name)));
  describe(value);
  describe(target);
  const inputs = { value, [field]: target };
  const submit = h("button", { type: "submit", class: "btn" }, "Add");
  async function onsubmit(event) {
    event.preventDefault();
    clearErrors(error, [value, target]);
    if (!value.value.trim()) {
      showErrors(error, [{ input: value, message: "Enter the claim value exactly as your organisation sends it." }],
        { inputs: [value, target] });
      return;
    }
    submit.disabled = true;
    try {
      await api.ensureCsrf();
      const body = { claim, value: value.value.trim() };
      body[field] = field === "team_id" ? Number(target.value) : target.value;
      await api.addSsoMapping(body);
      await reload(`Mapped ${body.value}.`);
    } catch (err) {
      const placed = Object.keys(err.fields || {}).some((name) => inputs[name]);
      showErrors(error, serverErrors(err, inputs, "You are offline. Changing single sign-on needs a connection."),
        { title: placed ? err.message : "There is a problem", inputs: [value, target] });
      submit.disabled = false;
    }
  }
  return h("form", { class: "card form", onsubmit, novalidate: true, "aria-describedby": errorId },
    h("h2", {}, title),
    error,
    h("div", { class: "field" }, h("label", { for: valueId }, "Claim value"), errorLine(valueId), value),
    h("div", { class: "field" }, h("label", { for: targetId }, label), errorLine(targetId), target),
    submit);
}
