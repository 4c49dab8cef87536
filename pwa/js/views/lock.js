// The passcode screens: setting one at first sign-in on this phone, and unlocking. Both
// resolve when the data key is in memory; unlocking works with no network.
import { announce, confirmDialog, h, replace } from "../dom.js";
import * as store from "../store.js";
import * as vault from "../vault.js";

// The team's numbers and office hours, kept in clear so that a locked phone can call for help
// without the passcode, as a phone's own lock screen can (SECURITY.md: they are the team's
// published numbers, not personal data). Nothing else about the user or the team is kept.
const TEAM_NUMBERS = "team-numbers";
const NUMBER_FIELDS = ["duty_phone", "out_of_hours_phone", "office_hours", "office_days", "office_opens",
  "office_closes", "time_zone"];
const RECHECK_MS = 15_000; // as the checklist's duty-desk box: past closing time, the other desk
// Digits and a leading + only: what a tel: link dials.
const dialable = (number) => number.replace(/(?!^\+)[^0-9]/g, "");

/** Keeps the team's numbers in clear for the lock screen (from the session's user). */
export function keepTeamNumbers(user) {
  const team = user?.team;
  if (!team) return Promise.resolve();
  return store.setMeta(TEAM_NUMBERS, Object.fromEntries(NUMBER_FIELDS.map((f) => [f, team[f] ?? null])));
}

/** "Your session ended — sign in to send. 2 drafts are safe on this phone." Counted without the key. */
export async function sessionEndedNotice() {
  const { outbox, drafts } = await store.unsentSummary().catch(() => ({ outbox: 0, drafts: 0 }));
  const count = outbox + drafts;
  return `Your session ended — sign in to send. ${count} ${count === 1 ? "draft is" : "drafts are"} safe on this phone.`;
}

/**
 * "Emergency call" on the lock screen: 999 at once, then the desk the clock picks (the duty desk
 * in office hours, the out-of-hours team outside them) once its number is read. No passcode.
 */
function emergencyCalls() {
  const desk = h("div", { class: "calls", id: "lock-desk" });
  const section = h("section", { class: "card emergency", "aria-labelledby": "emergency-title" },
    h("h2", { id: "emergency-title" }, "Emergency call"),
    h("p", { class: "calls" }, h("a", { class: "btn btn-call btn-block", id: "lock-999", href: "tel:999" }, "Call 999")),
    desk,
    h("p", { class: "muted" }, "No passcode needed to call."));
  let team = null;
  let shown = "";
  let deskNow = null; // office-hours.js, loaded after the first paint: 999 needs nothing
  const draw = () => {
    const choice = deskNow(team);
    const key = `${choice.desk}:${choice.number}`;
    if (!choice.number || key === shown) return;
    shown = key;
    replace(desk, h("a", { class: "btn btn-call btn-call-second btn-block", href: `tel:${dialable(choice.number)}`,
      "data-desk": choice.desk || "unknown" }, `Call ${choice.label}: ${choice.number}`));
  };
  const timer = setInterval(() => { if (team && deskNow) draw(); }, RECHECK_MS);
  Promise.all([store.getMeta(TEAM_NUMBERS), import("../office-hours.js")]).then(([kept, hours]) => {
    team = kept || null;
    deskNow = hours.deskNow;
    if (team && section.isConnected) draw();
  }).catch(() => {}); // the numbers are a help; 999 stands without them
  return { section, stop: () => clearInterval(timer) };
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 concerns not yet sent and 1 draft" — what a wipe would destroy, counted without the key. */
export async function atRisk() {
  const { outbox, drafts } = await store.unsentSummary();
  return [outbox && `${plural(outbox, "concern", "concerns")} not yet sent`,
    drafts && plural(drafts, "draft", "drafts")].filter(Boolean).join(" and ");
}

function passcodeInput(id, autocomplete) {
  return h("input", { id, name: id, type: "password", autocomplete, autocapitalize: "none",
    spellcheck: "false", required: true, "aria-describedby": "passcode-error",
    // Only a new passcode must meet today's rule; an older, shorter one still unlocks.
    minlength: autocomplete === "new-password" ? vault.MIN_LENGTH : null });
}

/**
 * First sign-in on this phone: choose the passcode that protects what is stored here.
 * `checking` is called as the slow key derivation starts (on both screens): the page behind
 * the lock loads meanwhile.
 */
export function setPasscode(main, { checking } = {}) {
  return new Promise((resolve) => {
    const error = h("div", { class: "form-error", role: "alert", id: "passcode-error" });
    const first = passcodeInput("new-passcode", "new-password");
    const again = passcodeInput("repeat-passcode", "new-password");
    const submit = h("button", { type: "submit", class: "btn btn-block" }, "Set passcode");
    async function onsubmit(event) {
      event.preventDefault();
      const problem = vault.passcodeProblem(first.value, again.value);
      error.textContent = problem || "";
      if (problem) {
        (vault.passcodeProblem(first.value) ? first : again).focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = "Securing this phone…";
      const created = vault.create(first.value);
      checking?.();
      try {
        await created;
      } catch (err) {
        error.textContent = store.storageProblem(err);
        submit.disabled = false;
        submit.textContent = "Set passcode";
        return;
      }
      resolve();
    }
    replace(main, h("div", { class: "page page-narrow" },
      h("h1", {}, "Set a passcode for this phone"),
      h("p", { class: "lede" }, "SafeVisit encrypts everything it keeps on this phone with a key that only this " +
        "passcode opens. You will need it whenever SafeVisit has been closed or left alone for a while."),
      h("form", { class: "card form", onsubmit, novalidate: true },
        error,
        h("div", { class: "field" }, h("label", { for: "new-passcode" }, "New passcode"),
          h("p", { class: "help", id: "passcode-help" },
            `${vault.STRENGTH_RULE} Not your sign-in password, and not a word, name or date others could guess.`),
          first),
        h("div", { class: "field" }, h("label", { for: "repeat-passcode" }, "Type it again"), again),
        submit),
      h("p", { class: "muted" }, `After ${vault.MAX_ATTEMPTS} wrong passcodes in a row, SafeVisit removes its data from this phone.`)));
    first.setAttribute("aria-describedby", "passcode-help passcode-error");
  });
}

/**
 * The lock screen. Resolves "unlocked", or "wiped" after too many wrong passcodes or when the
 * user chose to remove the data (the only way back from a forgotten passcode).
 */
export function unlock(main, { checking } = {}) {
  return new Promise((settle) => {
    // The key is derived as the passcode is typed (vault.deriveAhead); a hidden page drops it.
    const hidden = () => { if (document.hidden) vault.forgetAhead(); };
    document.addEventListener("visibilitychange", hidden);
    const emergency = emergencyCalls();
    const resolve = (outcome) => {
      emergency.stop();
      document.removeEventListener("visibilitychange", hidden);
      vault.forgetAhead();
      settle(outcome);
    };
    const error = h("div", { class: "form-error", role: "alert", id: "passcode-error" });
    const warning = h("div", { class: "notice notice-danger", id: "wipe-warning", hidden: true });
    const input = passcodeInput("passcode", "current-password");
    input.addEventListener("input", () => vault.deriveAhead(input.value));
    const submit = h("button", { type: "submit", class: "btn btn-block" }, "Unlock");

    async function warn(left) {
      if (left > vault.WARN_WHEN_LEFT) return;
      const risk = await atRisk();
      warning.hidden = false;
      replace(warning, h("p", {}, h("strong", {}, `${plural(left, "try", "tries")} left. `),
        `After that SafeVisit removes everything it keeps on this phone` +
        (risk ? `, including ${risk}. They cannot be recovered.` : ".")));
    }

    async function onsubmit(event) {
      event.preventDefault();
      if (!input.value) {
        error.textContent = "Enter your passcode.";
        input.focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = "Checking…";
      const checked = vault.unlock(input.value); // the derivation starts here
      checking?.();
      const outcome = await checked;
      input.value = "";
      submit.disabled = false;
      submit.textContent = "Unlock";
      if (outcome.ok) return resolve("unlocked");
      if (outcome.wiped) return resolve("wiped");
      error.textContent = `That passcode is not right. ${plural(outcome.left, "try", "tries")} left.`;
      await warn(outcome.left);
      input.focus();
    }

    async function forgot() {
      const risk = await atRisk();
      const sure = await confirmDialog({ title: "Remove SafeVisit's data from this phone?", danger: true,
        body: (risk ? `${risk[0].toUpperCase()}${risk.slice(1)} will be destroyed and cannot be recovered. ` : "") +
          "You will then sign in again and set a new passcode.",
        confirm: "Remove data" });
      if (!sure) return;
      await store.wipe();
      announce("SafeVisit's data was removed from this phone.");
      resolve("wiped");
    }

    replace(main, h("div", { class: "page page-narrow" },
      h("h1", {}, "SafeVisit is locked"),
      h("p", { class: "lede" }, "Enter your passcode to open your drafts. This works without a connection."),
      h("form", { class: "card form", onsubmit, novalidate: true },
        error, warning,
        h("div", { class: "field" }, h("label", { for: "passcode" }, "Passcode"), input),
        submit),
      emergency.section,
      h("details", { class: "card" }, h("summary", {}, "Forgotten your passcode?"),
        h("p", {}, "Nobody can recover it: it is not stored anywhere. You can remove SafeVisit's data from " +
          "this phone, sign in again and set a new one. Anything not yet sent is lost."),
        h("button", { type: "button", class: "btn btn-danger", onclick: forgot }, "Remove data from this phone"))));
    // Read by bench/pwa.py: navigation start to the lock screen's 999 on screen.
    requestAnimationFrame(() => performance.mark("safevisit:lock-999-shown"));
    vault.attemptsLeft().then(warn);
  });
}
