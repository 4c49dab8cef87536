// /team (duty managers): a setup code for a carer or field worker of one's own team who cannot
// get in. Shown once, valid for a day; the server refuses anyone else.
import * as api from "../api.js";
import { announce, confirmDialog, h, replace } from "../dom.js";
import { roleName } from "../names.js";
import { codeCard, online, showErrors } from "./admin-parts.js";

export async function render(main, ctx) {
  const title = "Setup codes for my team";
  const found = await online(main, title, () => api.teamPeople(), () => render(main, ctx));
  if (!found) return;
  const shown = h("div", { id: "team-code" });
  const error = h("div", { class: "form-error", role: "alert", tabindex: "-1" });

  const issue = (person) => async () => {
    const sure = await confirmDialog({ title: `A setup code for ${person.display_name}?`, confirm: "Issue code",
      body: `${person.display_name} sets a new password with it (their phone's passcode stays as it is). Any code issued before stops working.` });
    if (!sure) return;
    try {
      const answer = await api.teamSetupCode(person.id);
      error.textContent = "";
      replace(shown, codeCard(answer));
      shown.querySelector("h2").focus();
      announce(`Setup code issued for ${person.display_name}.`);
    } catch (err) {
      showErrors(error, err, {});
    }
  };

  replace(main, h("div", { class: "page" },
    h("h1", {}, title),
    h("p", {}, "When a carer or worker of your team has forgotten their password, give them a setup code in person or by phone. It works once, for a day."),
    error,
    shown,
    found.people.length ? h("ul", { class: "people card" }, found.people.map((person) => h("li", { class: "person", "data-person": String(person.id) },
      h("div", { class: "draft-text" }, h("span", { class: "person-name" }, person.display_name),
        h("span", { class: "muted" }, `${person.username} · ${roleName(person.role)}`)),
      h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: issue(person),
        "aria-label": `Issue a setup code for ${person.display_name}` }, "Issue code"))))
      : h("p", { class: "empty" }, "Your team has no carers or field workers yet.")));
}
