// The on-call screen: who an urgent alert goes to now, the team's rota of shifts
// (primary and secondary) to add to and remove from, and the escalation chain. Times are the
// team's local time (Europe/London by default), shown with GMT/BST so a shift across a
// daylight-saving change reads right. Every change saves the whole rota (PUT), so there is
// never an unsaved copy on the phone; the server checks it and says what is wrong.
import * as api from "../api.js";
import { ALL_TEAMS, can, RECEIVE_ALERTS } from "../capabilities.js";
import { announce, confirmDialog, h, replace } from "../dom.js";
import { clearErrors, describe, errorLine, errorSummary, showErrors } from "./form-errors.js";
import { mobileCard } from "./mobile-card.js";

const STEP_TEXT = {
  secondary: "the secondary on call",
  team: "every manager of the team",
  admins: "the admins",
};

/** Admins choose the team (?team=<id>); everyone else sees their own. */
async function teamChoice(ctx) {
  const own = ctx.user.team?.id;
  if (!can(ctx.user, ALL_TEAMS)) return { teamId: own, picker: null };
  let teams;
  try {
    ({ teams } = await api.pushCoverage()); // every team, for an admin
  } catch (error) {
    if (!(error instanceof api.NetworkError)) throw error;
    return { teamId: own, picker: null };
  }
  const asked = Number(new URLSearchParams(window.location.search).get("team"));
  const teamId = teams.some((t) => t.id === asked) ? asked : (own ?? teams[0]?.id);
  const select = h("select", { id: "rota-team",
    onchange: (event) => ctx.navigate(`/on-call?team=${encodeURIComponent(event.target.value)}`) },
  teams.map((t) => h("option", { value: String(t.id), selected: t.id === teamId }, t.name)));
  return { teamId, picker: h("div", { class: "field" }, h("label", { for: "rota-team" }, "Team"), select) };
}

export async function render(main, ctx) {
  const { teamId, picker } = await teamChoice(ctx);
  const nowPart = h("section", { class: "card", id: "on-call-now", "aria-labelledby": "on-call-now-title" },
    h("h2", { id: "on-call-now-title" }, "On call now"), h("p", { class: "muted" }, "Loading…"));
  const chainPart = h("section", { class: "card", id: "escalation-chain", "aria-labelledby": "chain-title" });
  const shiftsPart = h("section", { class: "card", id: "rota-shifts", "aria-labelledby": "shifts-title" });
  // The add-shift form is drawn once per rota and kept while the server refuses it, so what
  // was typed stays; the refusal shows at its top (every problem) and beside each field.
  const errors = errorSummary("rota-errors");
  const state = { rota: null, form: null };

  const format = () => new Intl.DateTimeFormat("en-GB", {
    timeZone: state.rota.team.time_zone, weekday: "short", day: "numeric", month: "short",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  const names = (people) => people.map((p) => p.name).join(", ");

  const draw = () => {
    const { rota } = state;
    const now = rota.now;
    replace(nowPart,
      h("h2", { id: "on-call-now-title" }, "On call now"),
      h("dl", { class: "on-call" },
        h("dt", {}, "Primary"), h("dd", { id: "on-call-primary" }, now.primary ? now.primary.name : "Nobody on the rota"),
        h("dt", {}, "Secondary"), h("dd", { id: "on-call-secondary" }, now.secondary ? now.secondary.name : "Nobody"),
        h("dt", {}, "On duty by their own switch"), h("dd", {}, now.on_duty.length ? names(now.on_duty) : "Nobody")),
      h("p", { id: "on-call-alerted" }, "An urgent alert now goes to: ", h("strong", {}, names(now.alerted) || "nobody")),
      now.fallback ? h("p", { class: "notice", id: "on-call-fallback" },
        "Nobody is on call or on duty, so alerts go to every manager of the team.") : null);
    // Texts only when this server sends them: no promise of a text that would never come.
    replace(chainPart,
      h("h2", { id: "chain-title" }, "If nobody acknowledges"),
      h("ol", {}, rota.escalation.map((s) => h("li", {},
        `After ${s.minutes} minutes: ${STEP_TEXT[s.step] || s.step}${s.sms && rota.sms_enabled ? ", also by text message" : ""}.`))),
      rota.sms_enabled === false ? h("p", { class: "muted", id: "chain-no-sms" },
        "Text messages are off on this server: every step is a push alert only.") : null,
      h("p", { class: "muted" }, "Acknowledging the concern at any point stops the rest."));
    replace(shiftsPart,
      h("h2", { id: "shifts-title" }, `Shifts (${rota.team.name}, ${rota.team.time_zone} time)`),
      rota.shifts.length ? h("ul", { class: "shift-list", id: "shift-list" }, rota.shifts.map((s, index) => h("li", { class: "shift" },
        h("p", {}, h("strong", {}, `${format().format(new Date(s.starts_at))} to ${format().format(new Date(s.ends_at))}`)),
        h("p", {}, `Primary: ${s.primary.name}`, h("br"), `Secondary: ${s.secondary ? s.secondary.name : "none"}`),
        h("button", { type: "button", class: "btn btn-secondary", "aria-label": `Remove shift ${index + 1}`,
          onclick: () => remove(index) }, "Remove"))))
        : h("p", { id: "shift-list-empty" }, "No shifts planned."),
      state.form ||= addForm());
  };

  const person = (id, withNone) => h("select", { id, name: id },
    withNone ? h("option", { value: "" }, "None") : null,
    state.rota.managers.map((m) => h("option", { value: String(m.id) }, m.name)));

  const shiftField = (id, label, input) => {
    describe(input, id);
    return h("div", { class: "field" }, h("label", { for: id }, label), errorLine(id), input);
  };
  const formInputs = () => ["shift-start", "shift-end", "shift-primary", "shift-secondary"]
    .map((id) => document.getElementById(id));

  const addForm = () => {
    const form = h("form", { id: "shift-form", novalidate: true, onsubmit: (event) => { event.preventDefault(); add(form); } },
      h("h3", {}, "Add a shift"),
      errors,
      shiftField("shift-start", "Starts", h("input", { id: "shift-start", name: "start", type: "datetime-local", required: true })),
      shiftField("shift-end", "Ends", h("input", { id: "shift-end", name: "end", type: "datetime-local", required: true })),
      shiftField("shift-primary", "Primary", person("shift-primary", false)),
      shiftField("shift-secondary", "Secondary", person("shift-secondary", true)),
      h("button", { type: "submit", class: "btn", id: "shift-add" }, "Add shift"));
    return form;
  };

  // The shifts kept as the server gave them: local times with their offset, so the second of a
  // repeated October hour stays the second (a time typed in has no offset: the server's rule).
  const asSent = (s) => ({ start: s.start, end: s.end, primary: s.primary.id,
    secondary: s.secondary ? s.secondary.id : null });

  const save = async (shifts, { said, newIndex = null, added = false }) => {
    clearErrors(errors, formInputs());
    try {
      await api.ensureCsrf();
      state.rota = await api.putRota(teamId, shifts);
    } catch (error) {
      showError(error, newIndex);
      return false;
    }
    if (added) state.form = null; // the new shift is saved: a fresh, empty form (else keep what is typed)
    draw();
    announce(said);
    return true;
  };

  // Every problem at once: the new shift's beside its fields, an existing shift's by its number.
  const showError = (error, newIndex) => {
    if (error instanceof api.NetworkError) {
      showErrors(errors, [{ message: "You are offline. Changing the rota needs a connection." }], { title: "Not saved" });
      return;
    }
    const ids = { start: "shift-start", end: "shift-end", primary: "shift-primary", secondary: "shift-secondary" };
    const items = Object.entries(error.fields || {}).map(([field, messages]) => {
      const match = field.match(/^shifts\.(\d+)\.(\w+)$/);
      if (match && Number(match[1]) === newIndex && ids[match[2]]) {
        return { input: document.getElementById(ids[match[2]]), message: `The new shift: ${messages.join(" ")}` };
      }
      const which = match ? `Shift ${Number(match[1]) + 1}` : field;
      return { message: `${which}${match ? ` (${match[2]})` : ""}: ${messages.join(" ")}` };
    });
    showErrors(errors, items.length ? items : [{ message: error.message }],
      { title: items.length ? error.message : "There is a problem", inputs: formInputs() });
  };

  const add = async (form) => {
    const data = new FormData(form);
    const start = data.get("start");
    const end = data.get("end");
    if (!start || !end) {
      const missing = [];
      if (!start) missing.push({ input: form.querySelector("#shift-start"), message: "Give the start of the shift." });
      if (!end) missing.push({ input: form.querySelector("#shift-end"), message: "Give the end of the shift." });
      showErrors(errors, missing, { inputs: formInputs() });
      return;
    }
    const shift = { start, end, primary: Number(data.get("shift-primary")),
      secondary: data.get("shift-secondary") ? Number(data.get("shift-secondary")) : null };
    const shifts = state.rota.shifts.map(asSent).concat([shift]);
    if (await save(shifts, { said: "Shift added.", newIndex: shifts.length - 1, added: true })) {
      document.getElementById("shifts-title")?.focus?.();
    }
  };

  const remove = async (index) => {
    const sure = await confirmDialog({ title: "Remove this shift?", body: "Alerts will no longer follow it.",
      confirm: "Remove shift", danger: true });
    if (!sure) return;
    await save(state.rota.shifts.filter((_, i) => i !== index).map(asSent), { said: "Shift removed." });
  };

  replace(main, h("div", { class: "page" },
    h("h1", {}, "On call"),
    picker,
    nowPart,
    shiftsPart,
    chainPart,
    can(ctx.user, RECEIVE_ALERTS) ? mobileCard() : null));

  try {
    state.rota = await api.rota(teamId);
  } catch (error) {
    if (!(error instanceof api.NetworkError)) throw error;
    replace(nowPart, h("h2", {}, "On call now"), h("p", { class: "notice" }, "You are offline. The rota needs a connection."));
    return;
  }
  draw();
}
