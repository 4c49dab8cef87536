// The duty manager's queue, read from GET /api/queue: open concerns, most urgent and newest
// first, with filters and pages. It refreshes when a push arrives while it is open and every
// 30 seconds while it is visible. The concerns come first, in view on opening at 2 a.m.; the
// warnings (alerts that may reach nobody, this phone's alerts, the rota) come after them,
// compact, with a one-line pointer at the top when alerts may reach nobody.
import * as api from "../api.js";
import { ALL_TEAMS, can, MANAGE_ROTA, RECEIVE_ALERTS } from "../capabilities.js";
import { announce, h, replace } from "../dom.js";
import { QUEUE_STATUSES, URGENCIES, URGENCY_LABEL } from "../names.js";
import { urgencyBadge } from "./actions.js";
import { alertsCard } from "./alerts-card.js";
import { drawAlertingWarning } from "./alerting-warning.js";
import { age, OFFLINE_TEXT, STATUS, statusBadge, watchConnection } from "./desk-parts.js";

const REFRESH_MS = 30_000;
const PAGE = 25;

export async function render(main, ctx) {
  const filters = { status: "", urgency: "", unacknowledged: false, overdue: false, mine: false, team: "" };
  const view = { items: [], next: null };
  const connection = h("div", {});
  const summary = h("p", { class: "muted", id: "queue-counts", "aria-live": "polite" });
  // A warning when nobody an alert goes to now has an alert channel known to work;
  // a line at the top points to it.
  const coverage = h("div", { id: "coverage" });
  const pointer = h("div", { id: "coverage-pointer" });
  // No alert worker seen lately: said first, above everything else on the page.
  const alertingBox = h("div", { id: "alerting-warning" });
  const list = h("div", { id: "queue-list" });
  const more = h("div", {});
  // Admins choose the team; the server lists the teams with the first page.
  const teamSelect = can(ctx.user, ALL_TEAMS) ? h("select", { id: "filter-team", onchange: (e) => onFilter("team")(e) },
    h("option", { value: "" }, "Every team")) : null;

  const query = (extra = {}) => {
    const params = { limit: String(PAGE), ...extra };
    if (filters.status) params.status = filters.status;
    if (filters.urgency) params.urgency = filters.urgency;
    if (filters.unacknowledged) params.unacknowledged = "true";
    if (filters.overdue) params.overdue = "true";
    if (filters.mine) params.assigned_to = String(ctx.user.id);
    if (filters.team) params.team = filters.team;
    return params;
  };

  // Reloads what is shown (as many rows as are on screen), or the first page afresh.
  const load = async ({ keep = false } = {}) => {
    const limit = keep ? Math.min(100, Math.max(PAGE, view.items.length)) : PAGE;
    let data;
    try {
      data = await api.queue(query({ limit: String(limit) }));
    } catch (error) {
      if (!(error instanceof api.NetworkError)) throw error;
      replace(summary, OFFLINE_TEXT);
      return;
    }
    view.items = data.concerns;
    view.next = data.next;
    await Promise.all([drawCoverage(coverage, pointer), drawAlertingWarning(alertingBox)]);
    if (teamSelect && teamSelect.options.length === 1) {
      teamSelect.append(...data.teams.map((t) => h("option", { value: String(t.id) }, t.name)));
    }
    draw(data.counts);
  };

  const loadMore = async () => {
    try {
      const data = await api.queue(query({ after: view.next }));
      view.items = view.items.concat(data.concerns);
      view.next = data.next;
      draw(data.counts);
      announce(`${data.concerns.length} more concerns shown.`);
      list.querySelectorAll(".queue-link")[view.items.length - data.concerns.length]?.focus();
    } catch (error) {
      announce(error instanceof api.NetworkError ? OFFLINE_TEXT : error.message);
    }
  };

  const draw = (counts) => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    replace(summary, (teamSelect ? "" : `${ctx.user.team?.name ?? ""} team · `) + (total
      ? Object.entries(counts).filter(([, n]) => n).map(([s, n]) => `${n} ${STATUS[s].toLowerCase()}`).join(" · ")
      : "no concerns"));
    replace(list, view.items.length
      ? h("ul", { class: "queue", "aria-label": "Concerns" }, view.items.map(queueItem))
      : h("p", { class: "card empty" }, "No concerns match."));
    replace(more, view.next ? h("button", { type: "button", class: "btn btn-secondary btn-block",
      onclick: loadMore }, "Show more concerns") : null);
  };

  const onFilter = (name) => (event) => {
    filters[name] = event.target.type === "checkbox" ? event.target.checked : event.target.value;
    load().catch((error) => console.warn("queue not loaded", error));
  };

  // Nothing above the filters may change size once they are shown (a tap aimed at them would
  // land on whatever moved there), so the page appears when its top part is complete.
  let left = false;
  ctx.onLeave(() => { left = true; });
  replace(main, h("div", { class: "page" }, h("h1", {}, "Concern queue"),
    h("p", { class: "muted", role: "status" }, "Loading the queue…")));
  const [card] = await Promise.all([can(ctx.user, RECEIVE_ALERTS) ? alertsCard(ctx.user) : null, load()]);
  if (left) return;
  replace(main, h("div", { class: "page" },
    h("h1", {}, "Concern queue"),
    alertingBox,
    connection,
    summary,
    pointer,
    h("details", { class: "card filters" },
      h("summary", {}, "Filter the queue"),
      h("div", { class: "field" }, h("label", { for: "filter-status" }, "Status"),
        h("select", { id: "filter-status", onchange: onFilter("status") },
          h("option", { value: "" }, "Open (new, acknowledged, in progress)"),
          QUEUE_STATUSES.map((s) => h("option", { value: s }, STATUS[s])))),
      h("div", { class: "field" }, h("label", { for: "filter-urgency" }, "Urgency"),
        h("select", { id: "filter-urgency", onchange: onFilter("urgency") },
          h("option", { value: "" }, "Any"),
          URGENCIES.map((u) => h("option", { value: u }, URGENCY_LABEL[u])))),
      teamSelect ? h("div", { class: "field" }, h("label", { for: "filter-team" }, "Team"), teamSelect) : null,
      checkbox("filter-unacknowledged", "Not yet acknowledged", onFilter("unacknowledged")),
      checkbox("filter-overdue", "With overdue actions", onFilter("overdue")),
      checkbox("filter-mine", "Assigned to me", onFilter("mine"))),
    list,
    more,
    h("div", { class: "queue-below" },
      coverage,
      card,
      can(ctx.user, MANAGE_ROTA) ? h("p", {}, h("a", { href: "/on-call", id: "on-call-link", class: "back-link" }, "On call: rota and text alerts")) : null)));

  ctx.onLeave(watchConnection(connection));
  const refresh = () => {
    if (document.visibilityState === "visible") load({ keep: true }).catch((error) => console.warn("queue not refreshed", error));
  };
  const timer = setInterval(refresh, REFRESH_MS);
  window.addEventListener("safevisit:alert", refresh);
  window.addEventListener("online", refresh);
  document.addEventListener("visibilitychange", refresh);
  ctx.onLeave(() => {
    clearInterval(timer);
    window.removeEventListener("safevisit:alert", refresh);
    window.removeEventListener("online", refresh);
    document.removeEventListener("visibilitychange", refresh);
  });
}

async function drawCoverage(box, pointer) {
  let teams;
  try {
    ({ teams } = await api.pushCoverage());
  } catch (error) {
    return; // offline or refused: the queue itself says so; keep the last warning shown
  }
  const uncovered = teams.filter((t) => !t.covered);
  replace(pointer, uncovered.length ? h("p", { class: "queue-warning-line" },
    h("a", { href: "#coverage-warning", onclick: (event) => {
      event.preventDefault();
      const warning = document.getElementById("coverage-warning");
      warning?.scrollIntoView({ block: "start" });
      warning?.focus({ preventScroll: true });
    } }, "Urgent alerts may reach nobody: see why, below the concerns")) : null);
  replace(box, uncovered.length ? h("section", { class: "notice notice-danger coverage-compact", role: "alert",
    id: "coverage-warning", tabindex: "-1", "aria-labelledby": "coverage-title" },
  h("h2", { id: "coverage-title" }, "Urgent alerts may reach nobody"),
  h("ul", {}, uncovered.map((t) => h("li", { "data-team": t.id },
    t.on_duty ? `${t.name} team: none of the ${t.on_duty} manager${t.on_duty === 1 ? "" : "s"} an alert goes to now ` +
      "has an alert channel known to work." : `${t.name} team: no manager can be alerted.`))),
  h("p", {}, "To fix: on the phone that should get alerts, turn them on, send a test alert and tap it."))
    : null);
}

function checkbox(id, label, onchange) {
  return h("div", { class: "field" }, h("label", { class: "option", for: id },
    h("input", { type: "checkbox", id, onchange }), label));
}

function queueItem(c) {
  // Restricted and not opened: urgency and times only; the concern page asks for the reason.
  if (c.restricted) {
    return h("li", { class: "queue-item queue-restricted", "data-concern": c.id },
      h("a", { href: `/concerns/${encodeURIComponent(c.id)}`, class: "queue-link" },
        h("span", { class: "queue-top" },
          c.urgency ? urgencyBadge(c.urgency) : h("span", { class: "badge badge-none" }, "No action"),
          statusBadge(c.status), h("span", { class: "queue-ref" }, c.label)),
        h("span", { class: "muted" }, `Submitted ${age(c.submitted_at)} · open it to record why you need it`)));
  }
  const overdue = c.actions_overdue
    ? h("span", { class: "badge badge-overdue" }, `${c.actions_overdue} overdue`) : null;
  return h("li", { class: "queue-item", "data-concern": c.id },
    h("a", { href: `/concerns/${encodeURIComponent(c.id)}`, class: "queue-link" },
      h("span", { class: "queue-top" },
        c.urgency ? urgencyBadge(c.urgency) : h("span", { class: "badge badge-none" }, "No action"),
        statusBadge(c.status), overdue,
        // The worker already phoned the duty desk about it.
        c.phoned ? h("span", { class: "badge badge-phoned" }, "Phoned in") : null,
        h("span", { class: "queue-ref" }, c.case_reference)),
      h("span", { class: "muted" }, [
        `Submitted ${age(c.submitted_at)} by ${c.author.display_name}`,
        c.assigned_to ? `with ${c.assigned_to.display_name}` : null,
        c.actions_to_do ? `${c.actions_to_do} action${c.actions_to_do === 1 ? "" : "s"} to do` : null,
        c.team ? `${c.team.name} team` : null,
      ].filter(Boolean).join(" · "))));
}
