// "Text alerts to your mobile": a manager gives a mobile number, SafeVisit texts
// it a 6-digit code through GOV.UK Notify, and the manager types the code in. Only a verified
// number gets alert texts (when push fails or nobody acknowledges in time).
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";
import { describe, errorLine, errorSummary, showErrors } from "./form-errors.js";

export function mobileCard() {
  const card = h("section", { class: "card", id: "mobile", "aria-labelledby": "mobile-title" },
    h("h2", { id: "mobile-title" }, "Text alerts to your mobile"), h("p", { class: "muted" }, "Checking…"));
  load(card).catch((error) => show(card, null, error));
  return card;
}

async function load(card, said = null) {
  show(card, await api.mobile(), null);
  if (said) announce(said);
}

function show(card, mobile, error, failedField = null) {
  // What was typed, kept with the card when the server refuses it (it is drawn afresh each step).
  const typed = card.typed ||= { number: "", code: "" };
  const title = h("h2", { id: "mobile-title", tabindex: "-1" }, "Text alerts to your mobile");
  const summary = errorSummary("mobile-error");
  const offline = error instanceof api.NetworkError;
  if (!mobile) {
    replace(card, title, summary);
    showErrors(summary, [{ message: offline ? "You are offline. This needs a connection." : error.message }], { focus: false });
    return;
  }
  if (!mobile.enabled) {
    replace(card, title, h("p", { id: "mobile-state" }, "Text alerts are not set up on this server."));
    return;
  }
  const run = async (button, field, work, said) => {
    button.disabled = true;
    try {
      await api.ensureCsrf();
      await work();
    } catch (err) {
      const fresh = await api.mobile().catch(() => mobile);
      show(card, fresh, err, field);
      announce(err.message);
      return;
    }
    typed[field] = "";
    await load(card, said);
    card.querySelector("h2").focus();
  };
  const input = (id, field, props) => {
    const el = h("input", { id, ...props });
    el.value = typed[field];
    el.addEventListener("input", () => { typed[field] = el.value; });
    describe(el);
    return el;
  };
  const numberInput = input("mobile-number", "number", { type: "tel", autocomplete: "tel", inputmode: "tel", placeholder: "07700 900123" });
  const numberForm = h("form", { id: "mobile-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    run(numberForm.querySelector("button"), "number", () => api.setMobile(numberInput.value.trim()), "A code is on its way by text.");
  } },
    h("div", { class: "field" }, h("label", { for: "mobile-number" }, mobile.number ? "A different mobile number" : "Mobile number"),
      errorLine("mobile-number"), numberInput),
    h("button", { type: "submit", class: mobile.verified ? "btn btn-secondary" : "btn", id: "mobile-send" }, "Text me a code"));
  const codeInput = mobile.code_pending ? input("mobile-code", "code",
    { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]{6}" }) : null;
  const codeForm = mobile.code_pending ? h("form", { id: "mobile-code-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    run(codeForm.querySelector("button"), "code", () => api.verifyMobile(codeInput.value.trim()), "Your mobile number is verified.");
  } },
    h("div", { class: "field" }, h("label", { for: "mobile-code" }, `The 6-digit code sent to ${mobile.number}`),
      errorLine("mobile-code"), codeInput),
    h("button", { type: "submit", class: "btn", id: "mobile-verify" }, "Verify")) : null;
  const remove = mobile.number ? h("button", { type: "button", class: "btn btn-secondary", id: "mobile-remove",
    onclick: (event) => run(event.target, "remove", () => api.removeMobile(), "Your mobile number is removed.") }, "Remove this number") : null;
  replace(card, title,
    h("p", { id: "mobile-state" }, mobile.verified
      ? `Verified: ${mobile.number}. You get a text when an alert cannot reach this phone by push, or nobody acknowledges it in time.`
      : mobile.number ? `Not verified yet: ${mobile.number}.` : "No mobile number yet. Alerts come by push only."),
    summary, codeForm, numberForm, remove);
  if (error) {
    // The refusal beside the field it is about (the server's field name, or the form's own).
    const target = { number: numberInput, code: codeInput }[failedField] || null;
    const fields = Object.values(error.fields || {}).flat();
    const message = offline ? "You are offline. This needs a connection." : [error.message, ...fields].join(" ");
    showErrors(summary, [{ input: target, message }], { title: "There is a problem" });
  }
}
