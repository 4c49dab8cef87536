// /admin/people/<id>: one person. Change name, role and team; issue a new setup code; end
// every session; reset a lost authenticator; unlink someone who signs in with the
// organisation's account, to give them a local one; deactivate (their phone wipes at its next
// contact), and reactivate; download everything held about them (subject access).
import * as api from "../api.js";
import { announce, confirmDialog, h, replace, when } from "../dom.js";
import { roleName, roleOptions } from "../names.js";
import { backLink, clearErrors, codeCard, field, online, select, showErrors } from "./admin-parts.js";
import { subjectAccessCard } from "./records-files.js";

export async function render(main, ctx) {
  const [id] = ctx.params;
  const retry = () => render(main, ctx);
  let loaded;
  try {
    loaded = await online(main, "Person", () => Promise.all([api.adminPerson(id), api.adminTeams()]), retry);
  } catch (error) {
    if (error.status !== 404) throw error;
    replace(main, h("div", { class: "page" }, h("h1", {}, "No such person"), backLink("/admin/people", "Back to people")));
    return;
  }
  if (!loaded) return;
  const [person, teams] = loaded;
  const self = person.id === ctx.user.id;
  const shown = h("div", { id: "person-code" });
  const actionError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });

  const inputs = {
    display_name: h("input", { autocomplete: "off", value: person.display_name }),
    role: select(roleOptions(), person.role),
    team_id: select(teams.teams.map((t) => [t.id, t.name]), person.team.id),
  };
  if (self) inputs.role.disabled = true; // the server refuses it too: another admin changes it
  const formError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });

  async function save(event) {
    event.preventDefault();
    const change = {};
    if (inputs.display_name.value.trim() !== person.display_name) change.display_name = inputs.display_name.value.trim();
    if (!self && inputs.role.value !== person.role) change.role = inputs.role.value;
    if (Number(inputs.team_id.value) !== person.team.id) change.team_id = Number(inputs.team_id.value);
    if (!Object.keys(change).length) { announce("Nothing to save."); return; }
    try {
      await api.updatePerson(person.id, change);
    } catch (error) {
      showErrors(formError, error, inputs);
      return;
    }
    clearErrors(formError, inputs);
    announce("Saved.");
    await render(main, ctx);
  }

  // A sign-in action: asks first, then shows the outcome (or the server's refusal).
  const act = (label, { title, body, confirm, danger = false, run, after }) =>
    h("button", { type: "button", class: danger ? "btn btn-danger" : "btn btn-secondary", onclick: async () => {
      if (!(await confirmDialog({ title, body, confirm, danger }))) return;
      actionError.textContent = "";
      try {
        await after(await run());
      } catch (error) {
        showErrors(actionError, error, {});
      }
    } }, label);

  // Someone who signs in with the organisation's account has no SafeVisit password, so no
  // setup code is offered (the server refuses one too) until an admin deliberately unlinks them.
  const linked = person.organisation_sign_in;
  const buttons = person.active ? [
    linked ? act("Unlink from organisation sign-in", {
      title: "Unlink from organisation sign-in?", confirm: "Unlink", danger: true,
      body: `${person.display_name} can then no longer sign in with the organisation's account, and is signed out ` +
        "everywhere. To sign in again they need a SafeVisit password: issue them a setup code next. This is recorded in the audit log.",
      run: () => api.unlinkOrganisation(person.id),
      after: async () => {
        await render(main, ctx);
        announce(`${person.display_name} is unlinked. Issue a setup code so they can set a password.`);
      },
    }) : act("Issue a new setup code", {
      title: "Issue a new setup code?", confirm: "Issue code",
      body: `${person.display_name} can then set a new password with it. Any code issued before stops working.`,
      run: () => api.newSetupCode(person.id),
      after: (answer) => { replace(shown, codeCard(answer)); shown.querySelector("h2").focus(); },
    }),
    self ? null : act("End all sessions", {
      title: "End all their sessions?", confirm: "End sessions",
      body: `${person.display_name} is signed out on every device, and each of those devices removes SafeVisit's data at its next connection (anything not yet sent is lost). They can sign in again.`,
      run: () => api.endSessions(person.id),
      after: () => announce(`${person.display_name} is signed out everywhere.`),
    }),
    person.two_step ? act("Reset their authenticator", {
      title: "Reset their authenticator?", confirm: "Reset",
      body: `${person.display_name} is signed out everywhere and sets up a new authenticator at their next sign-in.`,
      run: () => api.resetSecondFactor(person.id), after: () => render(main, ctx),
    }) : null,
    self ? null : act("Deactivate", {
      title: `Deactivate ${person.display_name}?`, confirm: "Deactivate", danger: true,
      body: "They can no longer sign in. Every session ends now, and their phone removes SafeVisit's data at its next connection, including anything not yet sent.",
      run: () => api.deactivatePerson(person.id),
      after: async () => { await render(main, ctx); announce(`${person.display_name} is deactivated.`); },
    }),
  ] : [
    // A deactivation made in error is undone here rather than by a new account, which would
    // split their history in two.
    act("Reactivate", {
      title: `Reactivate ${person.display_name}?`, confirm: "Reactivate",
      body: `${person.display_name} can sign in again with their password, or with a new setup code you issue. ` +
        "The sessions the deactivation ended stay ended, and what their phone removed does not come back.",
      run: () => api.reactivatePerson(person.id),
      after: async () => { await render(main, ctx); announce(`${person.display_name} is active again.`); },
    }),
  ];

  replace(main, h("div", { class: "page" },
    h("h1", {}, person.display_name),
    backLink("/admin/people", "Back to people"),
    h("dl", { class: "facts card" },
      h("div", {}, h("dt", {}, "Username"), h("dd", {}, person.username)),
      h("div", {}, h("dt", {}, "Role"), h("dd", {}, roleName(person.role))),
      h("div", {}, h("dt", {}, "Team"), h("dd", {}, person.team.name)),
      h("div", {}, h("dt", {}, "Status"), h("dd", { id: "person-status" }, person.active ? "Active" : "Deactivated")),
      h("div", {}, h("dt", {}, "Signs in with"), h("dd", { id: "person-sign-in" },
        linked ? "The organisation's account (single sign-on)" : "A SafeVisit password")),
      h("div", {}, h("dt", {}, "Two-step sign-in"), h("dd", {}, person.two_step ? "On" : "Off")),
      h("div", {}, h("dt", {}, "Account created"), h("dd", {}, when(person.created_at)))),
    shown,
    person.active ? h("form", { class: "card form", onsubmit: save, novalidate: true, "aria-labelledby": "person-edit-title" },
      h("h2", { id: "person-edit-title" }, "Name, role and team"),
      formError,
      field("edit-name", "Full name", inputs.display_name),
      field("edit-role", "Role", inputs.role, self ? "Another administrator can change your role." : null),
      field("edit-team", "Team", inputs.team_id),
      h("button", { type: "submit", class: "btn" }, "Save")) : null,
    buttons.some(Boolean) ? h("section", { class: "card", "aria-labelledby": "person-signin-title" },
      h("h2", { id: "person-signin-title" }, "Signing in"),
      actionError,
      h("div", { class: "item-buttons" }, buttons)) : null,
    subjectAccessCard(person)));
}
