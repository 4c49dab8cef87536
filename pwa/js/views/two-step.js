// The second step of signing in for managers and admins: the code from an
// authenticator app (or a recovery code), and setting an authenticator up — at sign-in when
// the server requires it, or from the home screen by choice (/two-step).
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";
import * as store from "../store.js";

const MESSAGES = {
  too_many_requests: "Too many wrong codes. Wait a minute, then try again.",
};

function focusTitle(main) {
  const heading = main.querySelector("h1");
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  document.title = `${heading.textContent} · SafeVisit`;
}

function codeInput(id) {
  return h("input", { id, name: id, autocomplete: "one-time-code", autocapitalize: "characters",
    spellcheck: "false", required: true, "aria-describedby": `${id}-help`, maxlength: "40" });
}

/** A failure that means "start again with the password" rather than "try another code". */
function expired(error, ctx) {
  if (error instanceof api.ApiError && error.code === "second_factor_expired") {
    ctx.signInAgain();
    return true;
  }
  return false;
}

/**
 * A code form's submit: `problem(code)` says what is wrong before anything is sent; the server's
 * answer goes to `done`, and a refusal is shown with the field cleared for another try.
 */
function sendsCode({ ctx, error, input, submit, done, send, problem, offline }) {
  return async (event) => {
    event.preventDefault();
    error.textContent = "";
    const code = input.value.trim();
    const wrong = problem(code);
    if (wrong) {
      error.textContent = wrong;
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      await done(await send(code));
    } catch (err) {
      if (expired(err, ctx)) return;
      error.textContent = err instanceof api.NetworkError ? offline : MESSAGES[err.code] || err.message;
      input.value = "";
      input.focus();
    } finally {
      submit.disabled = false;
    }
  };
}

/** "Enter your code": `done` gets the server's answer (the session and its device key). */
export function codeStep(main, ctx, done) {
  const error = h("div", { class: "form-error", role: "alert", id: "two-step-error" });
  const input = codeInput("two-step-code");
  const submit = h("button", { type: "submit", class: "btn btn-block" }, "Continue");
  const onsubmit = sendsCode({ ctx, error, input, submit, done, send: api.verifySecondFactor,
    problem: (code) => (code ? null : "Type the code from your authenticator app."),
    offline: "You are offline. Signing in needs a connection." });
  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, "Enter your sign-in code"),
    h("form", { class: "card form", onsubmit, novalidate: true, "aria-describedby": "two-step-error" },
      error,
      h("div", { class: "field" }, h("label", { for: "two-step-code" }, "Code"),
        h("p", { class: "help", id: "two-step-code-help" },
          "The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        input),
      submit)));
  focusTitle(main);
  input.focus();
}

const grouped = (secret) => secret.replace(/(.{4})/g, "$1 ").trim();

/** Setting up an authenticator; `done` gets the answer with the recovery codes. */
export async function enrolStep(main, ctx, { signingIn, done }) {
  let enrolment;
  try {
    enrolment = await api.beginEnrolment();
  } catch (err) {
    if (expired(err, ctx)) return;
    replace(main, h("div", { class: "page page-narrow" }, h("h1", {}, "Set up two-step sign-in"),
      h("p", { role: "alert" }, err instanceof api.NetworkError
        ? "You are offline. Setting up two-step sign-in needs a connection." : err.message)));
    focusTitle(main);
    return;
  }
  const error = h("div", { class: "form-error", role: "alert", id: "enrol-error" });
  const input = codeInput("enrol-code");
  const submit = h("button", { type: "submit", class: "btn btn-block" }, "Confirm");
  const onsubmit = sendsCode({ ctx, error, input, submit, done, send: api.confirmEnrolment,
    problem: (code) => (/^\d{6}$/.test(code) ? null : "Type the 6 digits your authenticator app shows for SafeVisit."),
    offline: "You are offline. This needs a connection." });
  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, "Set up two-step sign-in"),
    h("p", {}, signingIn
      ? "Your role signs in with a code from an authenticator app as well as your password. Set it up once now."
      : "From now on you will sign in with a code from an authenticator app as well as your password."),
    h("section", { class: "card", "aria-labelledby": "enrol-key-title" },
      h("h2", { id: "enrol-key-title" }, "1. Add SafeVisit to your authenticator app"),
      h("p", {}, "In an authenticator app (for example Microsoft Authenticator or Google Authenticator), add an account and type this key:"),
      h("p", { class: "secret", id: "enrol-secret" }, grouped(enrolment.secret)),
      h("p", {}, "On the phone that has the app, you can ",
        h("a", { href: enrolment.otpauth_uri }, "open SafeVisit in the authenticator app"), " instead.")),
    h("form", { class: "card form", onsubmit, novalidate: true, "aria-describedby": "enrol-error",
      "aria-labelledby": "enrol-code-title" },
      h("h2", { id: "enrol-code-title" }, "2. Type the code it shows"),
      error,
      h("div", { class: "field" }, h("label", { for: "enrol-code" }, "Code from the app"),
        h("p", { class: "help", id: "enrol-code-help" }, "6 digits; it changes every 30 seconds."),
        input),
      submit)));
  focusTitle(main);
}

/** The recovery codes, once: the person confirms they kept them before going on. */
export function showRecoveryCodes(main, codes, onDone) {
  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, "Keep your recovery codes"),
    h("p", {}, "If you lose the phone with your authenticator app, each of these codes signs you in once instead of a code from the app. Write them down and keep them somewhere safe: SafeVisit will not show them again."),
    h("ol", { class: "recovery-codes", id: "recovery-codes" }, codes.map((code) => h("li", {}, code))),
    h("button", { type: "button", class: "btn btn-block", onclick: onDone }, "I have kept them")));
  focusTitle(main);
}

/** /two-step: a signed-in manager or admin sets up an authenticator by choice. */
export async function render(main, ctx) {
  if (ctx.user.two_step) {
    replace(main, h("div", { class: "page page-narrow" }, h("h1", {}, "Two-step sign-in"),
      h("p", {}, "You already sign in with a code from your authenticator app. If you lose it, use a recovery code, or ask an administrator to reset it."),
      h("a", { href: "/", class: "btn btn-secondary" }, "Back to home")));
    return;
  }
  await enrolStep(main, ctx, {
    signingIn: false,
    done: async (answer) => {
      ctx.setUser(answer.user);
      await store.setSecret("user", answer.user);
      announce("Two-step sign-in is on.");
      showRecoveryCodes(main, answer.recovery_codes, () => ctx.navigate("/"));
    },
  });
}
