// "Text alerts to your mobile": a manager gives a mobile number, SafeVisit texts
// it a 6-digit code through GOV.UK Notify, and the manager types the code in. Only a verified
// number gets alert texts (when push fails or nobody acknowledges in time).
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";

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

function show(card, mobile, error) {
  const message = error ? h("p", { class: "form-error", role: "alert", id: "mobile-error" },
    error instanceof api.NetworkError ? "You are offline. This needs a connection." : error.message) : null;
  const title = h("h2", { id: "mobile-title", tabindex: "-1" }, "Text alerts to your mobile");
  if (!mobile) { replace(card, title, message); return; }
  if (!mobile.enabled) {
    replace(card, title, h("p", { id: "mobile-state" }, "Text alerts are not set up on this server."));
    return;
  }
  const run = async (button, work, said) => {
    button.disabled = true;
    try {
      await api.ensureCsrf();
      await work();
    } catch (err) {
      const fresh = await api.mobile().catch(() => mobile);
      show(card, fresh, err);
      card.querySelector("#mobile-error")?.focus?.();
      announce(err.message);
      return;
    }
    await load(card, said);
    card.querySelector("h2").focus();
  };
  const numberForm = h("form", { id: "mobile-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const number = numberForm.querySelector("#mobile-number").value.trim();
    run(numberForm.querySelector("button"), () => api.setMobile(number), "A code is on its way by text.");
  } },
    h("div", { class: "field" }, h("label", { for: "mobile-number" }, mobile.number ? "A different mobile number" : "Mobile number"),
      h("input", { id: "mobile-number", type: "tel", autocomplete: "tel", inputmode: "tel", placeholder: "07700 900123" })),
    h("button", { type: "submit", class: mobile.verified ? "btn btn-secondary" : "btn", id: "mobile-send" }, "Text me a code"));
  const codeForm = mobile.code_pending ? h("form", { id: "mobile-code-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const code = codeForm.querySelector("#mobile-code").value.trim();
    run(codeForm.querySelector("button"), () => api.verifyMobile(code), "Your mobile number is verified.");
  } },
    h("div", { class: "field" }, h("label", { for: "mobile-code" }, `The 6-digit code sent to ${mobile.number}`),
      h("input", { id: "mobile-code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]{6}" })),
    h("button", { type: "submit", class: "btn", id: "mobile-verify" }, "Verify")) : null;
  const remove = mobile.number ? h("button", { type: "button", class: "btn btn-secondary", id: "mobile-remove",
    onclick: (event) => run(event.target, () => api.removeMobile(), "Your mobile number is removed.") }, "Remove this number") : null;
  replace(card, title,
    h("p", { id: "mobile-state" }, mobile.verified
      ? `Verified: ${mobile.number}. You get a text when an alert cannot reach this phone by push, or nobody acknowledges it in time.`
      : mobile.number ? `Not verified yet: ${mobile.number}.` : "No mobile number yet. Alerts come by push only."),
    message, codeForm, numberForm, remove);
}
