// One form control per checklist question, built from the template. Each control calls
// `save(value)` the moment its value changes (undefined clears the answer).
import { h } from "../dom.js";

/** Links from a question (or section) to the paragraphs it cites in the reader. */
export function citations(paragraphIds, paragraphs) {
  return h("p", { class: "cites" }, h("span", {}, "Procedure"),
    paragraphIds.map((pid) => h("a", { href: `/procedure#${pid}`, class: "cite",
      "aria-label": `Procedure paragraph ${paragraphs[pid].number}: ${paragraphs[pid].summary}` },
    `¶${paragraphs[pid].number}`)));
}

export function questionField(question, value, paragraphs, save) {
  const id = `q-${question.id}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const help = question.help ? h("p", { class: "help", id: helpId }, question.help) : null;
  // Polite live region: a message that appears while typing is heard without stealing focus.
  const error = h("p", { class: "field-error", id: errorId, "aria-live": "polite" });
  const describedBy = [help && helpId, errorId].filter(Boolean).join(" ");
  const label = [question.label, question.required ? " (required)" : ""];
  const wrapper = h("div", { class: "question", "data-question": question.id });

  const showError = (message) => {
    error.textContent = message || "";
    wrapper.classList.toggle("has-error", Boolean(message));
    for (const input of wrapper.querySelectorAll("input, textarea")) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  };
  wrapper.showError = showError;
  // Set while the typed text cannot be stored (not a number, out of range).
  wrapper.invalid = false;
  const setInvalid = (message) => { wrapper.invalid = Boolean(message); showError(message); };

  const builders = { text, integer, date, boolean: choice, choice, multi_choice: multiChoice };
  const control = builders[question.type]({ question, value, id, describedBy, label, help, save, setInvalid });
  const cites = citations(question.paragraphs, paragraphs);
  // Practice beyond the chapter is marked, so a lead can tell it from the chapter.
  if (question.source === "practice") {
    cites.append(h("span", { class: "tag tag-practice", title: question.reference }, "Practice"));
  }
  wrapper.append(control, error, cites);
  return wrapper;
}

function text({ question, value, id, describedBy, label, help, save }) {
  const long = (question.max_length || 0) > 100;
  const input = h(long ? "textarea" : "input", {
    id, name: question.id, maxlength: question.max_length, "aria-describedby": describedBy,
    rows: long ? 4 : null, autocomplete: "off", spellcheck: long ? "true" : "false",
  });
  input.value = value ?? "";
  input.addEventListener("input", () => save(input.value === "" ? undefined : input.value));
  return h("div", { class: "field" }, h("label", { for: id }, label), help, input);
}

function integer({ question, value, id, describedBy, label, help, save, setInvalid }) {
  const input = h("input", { id, name: question.id, inputmode: "numeric", autocomplete: "off",
    "aria-describedby": describedBy, class: "input-short" });
  input.value = value ?? "";
  const range = `a whole number from ${question.min ?? 0} to ${question.max ?? "any"}`;
  input.addEventListener("input", () => {
    const raw = input.value.trim();
    if (raw === "") { setInvalid(""); save(undefined); return; }
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    const fits = Number.isInteger(n) && (question.min === undefined || n >= question.min) &&
      (question.max === undefined || n <= question.max);
    // An invalid entry clears the stored answer, so no rule ever runs on a bad number.
    setInvalid(fits ? "" : `Enter ${range}.`);
    save(fits ? n : undefined);
  });
  return h("div", { class: "field" }, h("label", { for: id }, label), help, input);
}

function date({ question, value, id, describedBy, label, help, save }) {
  const input = h("input", { id, name: question.id, type: "date", "aria-describedby": describedBy });
  input.value = value ?? "";
  input.addEventListener("change", () => save(input.value || undefined));
  return h("div", { class: "field" }, h("label", { for: id }, label), help, input);
}

function options(question) {
  return question.type === "boolean"
    ? [{ value: true, label: "Yes" }, { value: false, label: "No" }]
    : question.options;
}

function choice({ question, value, id, describedBy, label, help, save }) {
  const radios = options(question).map((option, i) => {
    const input = h("input", { type: "radio", name: question.id, id: `${id}-${i}`,
      checked: value === option.value });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      clear.hidden = false;
      save(option.value);
    });
    return h("label", { class: "option", for: `${id}-${i}` }, input, h("span", {}, option.label));
  });
  // Radios cannot be unticked by tapping, so an answer given by mistake needs a way back.
  const clear = h("button", { type: "button", class: "btn-link clear", hidden: value === undefined,
    onclick: () => {
      for (const r of group.querySelectorAll("input")) r.checked = false;
      clear.hidden = true;
      save(undefined);
      group.querySelector("input").focus();
    } }, "Clear answer");
  const group = h("fieldset", { class: `choices ${question.type === "boolean" ? "choices-row" : ""}`,
    "aria-describedby": describedBy, id },
  h("legend", {}, label), help, h("div", { class: "options" }, radios), clear);
  return group;
}

function multiChoice({ question, value, id, describedBy, label, help, save }) {
  const chosen = new Set(value || []);
  const inputs = [];
  const boxes = question.options.map((option, i) => {
    const input = h("input", { type: "checkbox", name: question.id, id: `${id}-${i}`,
      value: option.value, checked: chosen.has(option.value) });
    input.addEventListener("change", () => {
      if (input.checked) chosen.add(option.value);
      else chosen.delete(option.value);
      // "None of these" stands alone: ticking it clears the rest, ticking another clears it.
      if (input.checked) {
        for (const [other, box] of inputs) {
          if (other.value !== option.value && (option.exclusive || other.exclusive) && box.checked) {
            box.checked = false;
            chosen.delete(other.value);
          }
        }
      }
      // Stored in the template's order so the same choices always read the same.
      save(question.options.map((o) => o.value).filter((v) => chosen.has(v)));
    });
    inputs.push([option, input]);
    return h("label", { class: "option", for: `${id}-${i}` }, input, h("span", {}, option.label));
  });
  return h("fieldset", { class: "choices", "aria-describedby": describedBy, id },
    h("legend", {}, label), help, h("div", { class: "options" }, boxes));
}
