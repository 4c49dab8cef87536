// Pieces the admin console's screens share (and the manager's /team): labelled
// fields with their server errors, the one-time setup code, the offline page.
// The console works online only: nothing of it is kept on the phone.
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";

export const OFFLINE = "You are offline. The admin console needs a connection: nothing of it is kept on this phone.";

/** A labelled field; `errors` gets its error line, shown by showErrors. */
export function field(id, label, input, help) {
  input.id = id;
  input.name = input.name || id;
  const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", described);
  return h("div", { class: "field" }, h("label", { for: id }, label),
    help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
    input, h("p", { class: "field-error", id: `${id}-error` }));
}

/** The server's field errors next to their inputs ({server field: input}); focuses the first. */
export function showErrors(formError, error, inputs) {
  for (const input of Object.values(inputs)) {
    input.removeAttribute("aria-invalid");
    const line = document.getElementById(`${input.id}-error`);
    if (line) line.textContent = "";
  }
  formError.textContent = error instanceof api.NetworkError ? OFFLINE : error.message;
  let first = null;
  for (const [name, messages] of Object.entries(error.fields || {})) {
    const input = inputs[name];
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    document.getElementById(`${input.id}-error`).textContent = messages.join(" ");
    first ||= input;
  }
  (first || formError).focus?.();
}

export function clearErrors(formError, inputs) {
  formError.textContent = "";
  for (const input of Object.values(inputs)) {
    input.removeAttribute("aria-invalid");
    const line = document.getElementById(`${input.id}-error`);
    if (line) line.textContent = "";
  }
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
  return h("p", {}, h("a", { href }, text));
}
