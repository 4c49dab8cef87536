// /admin/audit: the audit log searched by person, concern and date, page by page, and exported
// as a CSV file. Each search and each export is itself recorded in the log (server side).
import * as api from "../api.js";
import { announce, h, replace, when } from "../dom.js";
import { backLink, clearErrors, field, OFFLINE, showErrors } from "./admin-parts.js";

const PAGE = 50;

function eventItem(event) {
  return h("li", { class: "audit-event", "data-event": String(event.id) },
    h("div", { class: "audit-head" },
      h("strong", {}, event.action.replaceAll("_", " ")),
      h("span", {}, ` ${event.object_type} ${event.object_id}`)),
    h("span", { class: "muted" }, `${when(event.at)} · ${event.username || "the system"}${event.address ? ` · ${event.address}` : ""}`),
    event.detail ? h("span", { class: "audit-detail" }, event.detail) : null);
}

export async function render(main) {
  const inputs = {
    person: h("input", { autocomplete: "off", autocapitalize: "none", spellcheck: "false" }),
    concern: h("input", { autocomplete: "off", spellcheck: "false" }),
    from: h("input", { type: "date" }),
    to: h("input", { type: "date" }),
  };
  const formError = h("div", { class: "form-error", role: "alert", tabindex: "-1" });
  const summary = h("p", { class: "muted", id: "audit-summary", "aria-live": "polite" });
  const list = h("ul", { class: "audit", id: "audit-list" });
  const more = h("div", {});
  let shown = [];

  const params = () => Object.fromEntries(Object.entries(inputs)
    .map(([k, el]) => [k, el.value.trim()]).filter(([, v]) => v));

  async function load(before) {
    let page;
    try {
      page = await api.auditSearch({ ...params(), limit: String(PAGE), ...(before ? { before: String(before) } : {}) });
    } catch (error) {
      showErrors(formError, error, inputs);
      return;
    }
    clearErrors(formError, inputs);
    shown = before ? shown.concat(page.events) : page.events;
    replace(list, shown.map(eventItem));
    summary.textContent = shown.length
      ? `${shown.length === 1 ? "1 event" : `${shown.length} events`} shown, newest first.` : "No events match.";
    replace(more, page.next ? h("button", { type: "button", class: "btn btn-secondary", onclick: () => load(page.next) },
      "Show more") : null);
  }

  async function exportCsv() {
    try {
      const { blob, name } = await api.auditCsv(params());
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: name, class: "visually-hidden" });
      document.body.append(link);
      link.click();
      setTimeout(() => link.remove(), 1000);
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      clearErrors(formError, inputs);
      announce(`The audit log was exported as ${name}. The export is recorded in the log.`);
    } catch (error) {
      showErrors(formError, error, inputs);
    }
  }

  replace(main, h("div", { class: "page" },
    h("h1", {}, "Audit log"),
    backLink("/admin", "Admin console"),
    navigator.onLine ? null : h("p", { class: "notice", role: "status" }, OFFLINE),
    h("form", { class: "card form", role: "search", "aria-label": "Search the audit log", novalidate: true,
      onsubmit: (event) => { event.preventDefault(); load(); } },
      formError,
      field("audit-person", "Person (username)", inputs.person, "What they did, and what was done to their account."),
      field("audit-concern", "Concern id", inputs.concern),
      field("audit-from", "From (day)", inputs.from),
      field("audit-to", "To (day)", inputs.to),
      h("div", { class: "item-buttons" },
        h("button", { type: "submit", class: "btn" }, "Search"),
        h("button", { type: "button", class: "btn btn-secondary", onclick: exportCsv }, "Export CSV"))),
    summary, list, more));
  await load();
}
