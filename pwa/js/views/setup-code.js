// /setup-code, from the sign-in page's "I have a setup code": a new account, or a carer who
// forgot their password, sets a password with the one-time code they were given,
// then is signed in with it. The phone's passcode is a different thing and is not
// touched here.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { continueSignIn } from "./login.js";

const MESSAGES = {
  too_many_requests: "Too many attempts. Wait a minute, then try again.",
};

export async function render(main, ctx) {
  if (ctx.user) return ctx.navigate("/", { replace: true });
  const error = h("div", { class: "form-error", role: "alert", id: "setup-error" });
  const input = (id, props) => h("input", { id, name: id, required: true, ...props });
  const username = input("setup-username", { autocomplete: "username", autocapitalize: "none", spellcheck: "false" });
  const code = input("setup-code", { autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    "aria-describedby": "setup-code-help", maxlength: "40" });
  const password = input("setup-password", { type: "password", autocomplete: "new-password",
    "aria-describedby": "setup-password-help" });
  const again = input("setup-again", { type: "password", autocomplete: "new-password" });
  const submit = h("button", { type: "submit", class: "btn btn-block" }, "Set password and sign in");

  const refuse = (message, field) => {
    error.textContent = message;
    for (const el of [username, code, password, again]) el.removeAttribute("aria-invalid");
    if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
  };

  async function onsubmit(event) {
    event.preventDefault();
    if (!username.value.trim()) return refuse("Enter your username.", username);
    if (!code.value.trim()) return refuse("Enter the setup code you were given.", code);
    if (password.value.length < 12) return refuse("Choose a password of at least 12 characters.", password);
    if (password.value !== again.value) return refuse("The two passwords are not the same. Type them again.", again);
    refuse("");
    submit.disabled = true;
    try {
      await api.freshSession();
      const { username: name } = await api.redeemSetupCode(username.value.trim(), code.value.trim(), password.value);
      // The password is set: sign in with it straight away (a second step may follow).
      const answer = await api.login(name, password.value);
      await continueSignIn(main, ctx, answer);
    } catch (err) {
      if (err instanceof api.NetworkError) refuse("You are offline. Setting a password needs a connection.");
      else if (err.code === "invalid_setup_code") refuse(err.message, code);
      else if (err.fields?.password) refuse(err.fields.password.join(" "), password);
      else refuse(MESSAGES[err.code] || err.message);
    } finally {
      submit.disabled = false;
    }
  }

  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, "Set your password with a setup code"),
    h("p", {}, "Your administrator or duty manager gave you a setup code. It works once, for a day. Your phone's passcode stays as it is."),
    h("form", { class: "card form", onsubmit, novalidate: true, "aria-describedby": "setup-error" },
      error,
      h("div", { class: "field" }, h("label", { for: "setup-username" }, "Username"), username),
      h("div", { class: "field" }, h("label", { for: "setup-code" }, "Setup code"),
        h("p", { class: "help", id: "setup-code-help" }, "16 letters and digits, for example ABCD-EFGH-JKLM-NPQR."), code),
      h("div", { class: "field" }, h("label", { for: "setup-password" }, "New password"),
        h("p", { class: "help", id: "setup-password-help" }, "At least 12 characters. A few unrelated words make a good one."),
        password),
      h("div", { class: "field" }, h("label", { for: "setup-again" }, "Type the new password again"), again),
      submit),
    h("p", {}, h("a", { href: "/login" }, "Back to sign in"))));
}
