// Errors on a form, as the GOV.UK Design System shows them: every error at once, a summary at
// the top of the form ("There is a problem", one link per error that moves to its field) and
// each message beside its field, the field marked invalid. Nothing typed is touched: a
// refused step leaves the form as it was, so the person corrects rather than retypes.
import { NetworkError } from "../api.js";
import { h, replace } from "../dom.js";

/** An empty summary for the top of a form; `show` fills it. */
export function errorSummary(id) {
  return h("div", { class: "error-summary", id, tabindex: "-1", role: "alert", hidden: true,
    "aria-labelledby": `${id}-title` });
}

/** The message line of a field, placed between its label and its input (GOV.UK's order). */
export function errorLine(fieldId) {
  return h("p", { class: "field-error", id: `${fieldId}-error` });
}

/** Points the field at its message line (kept with any help text it has). */
export function describe(input, fieldId = input.id) {
  const ids = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  ids.add(`${fieldId}-error`);
  input.setAttribute("aria-describedby", [...ids].join(" "));
}

/** Move to a field from a summary link: scroll it into view under its label and focus it. */
export function goToField(input) {
  if (!input) return;
  input.closest("details")?.setAttribute("open", "");
  const label = input.id ? document.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  (label || input.closest("fieldset") || input).scrollIntoView({ block: "start" });
  input.focus({ preventScroll: true });
}

/**
 * Shows `errors` ([{input?, message}]) in `summary` and beside each input, clearing any shown
 * before; `title` heads the summary. Focuses the summary unless `focus` is false.
 * An error with no input is said in the summary without a link.
 */
export function showErrors(summary, errors, { title = "There is a problem", focus = true, inputs = [] } = {}) {
  clearErrors(summary, inputs);
  if (!errors.length) return;
  const id = summary.id;
  replace(summary,
    h("h2", { class: "error-summary-title", id: `${id}-title` }, title),
    h("ul", { class: "error-summary-list" }, errors.map(({ input, message }) => h("li", {}, input
      ? h("a", { href: `#${input.id}`, onclick: (event) => { event.preventDefault(); goToField(input); } }, message)
      : message))));
  summary.hidden = false;
  for (const { input, message } of errors) {
    if (!input?.matches("input, select, textarea")) continue; // a link to a part of the page, not a field
    input.setAttribute("aria-invalid", "true");
    const line = document.getElementById(`${input.id}-error`) || input.closest(".field")?.querySelector(".field-error");
    if (line) line.textContent = line.textContent ? `${line.textContent} ${message}` : message;
    input.closest(".field")?.classList.add("field-invalid");
  }
  if (focus) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
}

export function clearErrors(summary, inputs = []) {
  if (summary) {
    replace(summary);
    summary.hidden = true;
  }
  for (const input of inputs) {
    if (!input) continue;
    input.removeAttribute("aria-invalid");
    const line = document.getElementById(`${input.id}-error`);
    if (line) line.textContent = "";
    input.closest(".field")?.classList.remove("field-invalid");
  }
}

/**
 * The server's refusal as a list for showErrors: each field error beside its input
 * (`inputs` maps the server's field names to inputs), and the refusal's own words first when
 * no field explains it. `offline` is what to say when there was no answer at all.
 */
export function serverErrors(error, inputs, offline) {
  if (error instanceof NetworkError) return [{ message: offline }];
  const found = [];
  const unplaced = [];
  for (const [name, messages] of Object.entries(error.fields || {})) {
    const input = inputs[name];
    if (input) found.push({ input, message: messages.join(" ") });
    else unplaced.push(`${messages.join(" ")}`);
  }
  if (!found.length) return [{ message: error.message }, ...unplaced.map((message) => ({ message }))];
  return [...found, ...unplaced.map((message) => ({ message }))];
}

/**
 * Keeps a focused control clear of the fixed bars (WCAG 2.2 SC 2.4.11): the browser does not
 * always scroll a tall control that is partly in view (a textarea behind the tab bar); this
 * scrolls it the rest of the way, within the root's scroll-padding. Returns a remover.
 */
export function keepFocusInView(root) {
  const onFocus = (event) => {
    const r = event.target.getBoundingClientRect();
    const top = document.querySelector(".topbar")?.getBoundingClientRect().bottom ?? 0;
    const bottom = document.querySelector(".tabbar:not([hidden])")?.getBoundingClientRect().top ?? window.innerHeight;
    if (r.top < top || r.bottom > bottom) event.target.scrollIntoView({ block: "nearest" });
  };
  root.addEventListener("focusin", onFocus);
  return () => root.removeEventListener("focusin", onFocus);
}
