// Sign in. Needs a connection once; afterwards the device remembers who signed in.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { completeSignIn } from "../signed-in.js";
import * as twoStep from "./two-step.js";

const MESSAGES = {
  invalid_credentials: "That username and password do not match. Check them and try again.",
  too_many_requests: "Too many attempts. Wait a minute, then try again.",
};

export async function render(main, ctx) {
  if (ctx.user) return ctx.navigate("/", { replace: true });
  const error = h("div", { class: "form-error", role: "alert", id: "login-error" });
  const username = h("input", { id: "username", name: "username", autocomplete: "username",
    autocapitalize: "none", spellcheck: "false", required: true });
  const password = h("input", { id: "password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-block" }, "Sign in");
  const organisation = h("div", { class: "card", id: "organisation-sign-in", hidden: true });

  async function onsubmit(event) {
    event.preventDefault();
    error.textContent = "";
    if (!username.value.trim() || !password.value) {
      error.textContent = "Enter your username and password.";
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    try {
      // A fresh token: one kept from a session that has since expired would be refused.
      await api.freshSession();
      const answer = await api.login(username.value.trim(), password.value);
      await continueSignIn(main, ctx, answer);
    } catch (err) {
      error.textContent = err instanceof api.NetworkError
        ? "You are offline. Signing in the first time needs a connection."
        : MESSAGES[err.code] || err.message;
      password.value = "";
      password.focus();
    } finally {
      submit.disabled = false;
    }
  }

  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, "Sign in to SafeVisit"),
    ctx.notice ? h("p", { class: "notice", role: "status" }, ctx.notice) : null,
    h("p", { class: "lede" },
      "Sign in once with a connection. After that the checklist and the procedure work with no signal."),
    h("form", { class: "card form", onsubmit, novalidate: true, "aria-describedby": "login-error" },
      error,
      h("div", { class: "field" }, h("label", { for: "username" }, "Username"), username),
      h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
      submit),
    h("p", {}, h("a", { href: "/setup-code" }, "I have a setup code"),
      " (a new account, or a forgotten password)"),
    organisation,
    h("p", { class: "muted" }, h("a", { href: "/procedure" }, "Read the procedure without signing in"))));
  offerOrganisation(organisation);
}

// "Sign in with your organisation" only where the server has single sign-on (backend/sso/).
// A full page load, not an in-app route: the server sends the browser on to the organisation
// (a link with a target is one router.js leaves to the browser; sw.js lets /auth/ through).
async function offerOrganisation(container) {
  const session = await api.session().catch(() => null);
  if (!session?.organisation_sign_in) return;
  container.hidden = false;
  const start = h("button", { type: "button", class: "btn btn-block btn-secondary" }, "Sign in with your organisation");
  const problem = h("div", { class: "form-error", role: "alert", hidden: true });
  // Started by a POST with the CSRF token: a link from elsewhere cannot start (or end) anything.
  start.addEventListener("click", async () => {
    start.disabled = true;
    problem.hidden = true;
    try {
      await api.ensureCsrf();
      const { authorization_url: next } = await api.startOrganisationSignIn();
      window.location.assign(next);
    } catch (error) {
      problem.textContent = error.message || "Your organisation's sign-in could not be started. Try again.";
      problem.hidden = false;
      start.disabled = false;
    }
  });
  replace(container, h("p", { class: "muted" }, "Staff of an organisation that uses SafeVisit:"), start, problem);
}

/** After the right password: the second step when the server asks for one, then the session. */
export async function continueSignIn(main, ctx, answer) {
  if (answer.second_factor === "code") {
    twoStep.codeStep(main, ctx, (done) => completeSignIn(ctx, done));
  } else if (answer.second_factor === "enrol") {
    await twoStep.enrolStep(main, ctx, { signingIn: true,
      done: (done) => twoStep.showRecoveryCodes(main, done.recovery_codes, () => completeSignIn(ctx, done)) });
  } else {
    await completeSignIn(ctx, answer);
  }
}

