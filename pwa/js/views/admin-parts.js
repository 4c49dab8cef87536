// Pieces the admin console's screens share (and the manager's /team): labelled
// fields with their server errors, the one-time setup code, the offline page.
// The console works online only: nothing of it is kept on the phone.
import * as api from "../api.js";
import { h, replace, uid, when } from "../dom.js";
import { clearErrors as clearFormErrors, serverErrors, showErrors as showFormErrors } from "./form-errors.js";

export const OFFLINE = "You are offline. The admin console needs a connection: nothing of it is kept on this phone.";

/** A labelled field: label, help, its error line (shown by showErrors), then the input. */
export function field(id, label, input, help) {
  input.id = id;
  input.name = input.name || id;
  const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", described);
  return h("div", { class: "field" }, h("label", { for: id }, label),
    help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
    h("p", { class: "field-error", id: `${id}-error` }), input);
}

/**
 * The server's refusal, every error at once: `formError` (at the top of the form) becomes an
 * error summary linking to each field, and each message goes beside its input
 * ({server field: input}). Focus goes to the summary, as in the GOV.UK Design System.
 */
export function showErrors(formError, error, inputs) {
  formError.classList.add("error-summary");
  formError.setAttribute("tabindex", "-1");
  if (!formError.id) formError.id = uid("form-errors");
  const placed = Object.keys(error.fields || {}).some((name) => inputs[name]);
  showFormErrors(formError, serverErrors(error, inputs, OFFLINE),
    { title: placed ? error.message : "There is a problem", inputs: Object.values(inputs) });
  formError.hidden = false;
}

export function clearErrors(formError, inputs) {
  clearFormErrors(formError, Object.values(inputs));
  formError.classList.remove("error-summary");
  formError.hidden = false; // an empty container shows nothing (.form-error:empty)
}

/** A setup code, shown once: who it is for, until when, and how to hand it over. */
export function codeCard(answer, title = "Setup code") {
  return h("section", { class: "card setup-code", "aria-labelledby": "setup-code-title", id: "setup-code-card" },
    h("h2", { id: "setup-code-title", tabindex: "-1" }, `${title} for ${answer.person.display_name}`),
    h("p", { class: "secret", id: "setup-code-value" }, answer.code),
    h("p", {}, `Valid once, until ${when(answer.expires_at)}. Give it to ${answer.person.display_name} ` +
      "in person or by phone: they type it with their username on the sign-in page, under \"I have a setup code\", and choose a password."),
    h("p", { class: "muted" }, "It is shown only now. If it is lost, issue a new one: the old one then stops working."));
}

/** The page for a screen that could not reach the server, with a way to try again. */
export function offlinePage(main, title, retry) {
  replace(main, h("div", { class: "page" }, h("h1", {}, title),
    h("p", { class: "notice", role: "status" }, OFFLINE),
    h("button", { type: "button", class: "btn", onclick: retry }, "Try again")));
}

/** Runs `load`; offline, shows the offline page and answers null. */
export async function online(main, title, load, retry) {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof api.NetworkError)) throw error;
    offlinePage(main, title, retry);
    return null;
  }
}

export function select(options, value) {
  const el = h("select", {}, options.map(([v, label]) => h("option", { value: String(v) }, label)));
  if (value !== undefined && value !== null) el.value = String(value);
  return el;
}

export function backLink(href, text) {
  return h("p", {}, h("a", { href, class: "back-link" }, text));
}
