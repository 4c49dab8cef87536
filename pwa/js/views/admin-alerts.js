// /admin/alerts: "Alert deliveries", the Web Push jobs behind urgent-concern alerts, for the
// admin who must know whether alerts are going out, stuck, retried or dead, and why. Admins
// only (ALL_TEAMS, as GET /api/push/jobs asks: the jobs of every team); online only, like the
// rest of the console. The filters live in the address, so a reload or Back keeps them.
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";
import { JOB_KIND_LABEL, JOB_KINDS, JOB_STATUS_LABEL, JOB_STATUSES, JobStatus } from "../names.js";
import { backLink, field, OFFLINE, online, select } from "./admin-parts.js";
import { lastErrorInWords, lastTried, nextStep } from "./alert-job-words.js";
import { drawAlertingWarning } from "./alerting-warning.js";

const TITLE = "Alert deliveries";
const PATH = "/admin/alerts";
// The badge's colour repeats what its words say; it never says anything alone.
const TONE = {
  [JobStatus.PENDING]: "status-waiting", [JobStatus.SENDING]: "status-waiting", [JobStatus.SENT]: "status-sent",
  [JobStatus.FAILED]: "status-attention", [JobStatus.DEAD]: "status-attention", [JobStatus.CANCELLED]: "status-received",
};

/** The filters in the address, each kept only if it is one the server knows. */
function filtersFromAddress() {
  const query = new URLSearchParams(window.location.search);
  const status = query.get("status");
  const kind = query.get("kind");
  return { status: JOB_STATUSES.includes(status) ? status : "", kind: JOB_KINDS.includes(kind) ? kind : "" };
}

const addressOf = (filters) => {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  return query ? `${PATH}?${query}` : PATH;
};

function countsCard(counts) {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const notArrived = (counts[JobStatus.FAILED] || 0) + (counts[JobStatus.DEAD] || 0);
  return h("section", { class: "card", "aria-labelledby": "job-counts-title", id: "job-counts" },
    h("h2", { id: "job-counts-title" }, "All alert jobs"),
    total ? h("ul", { class: "job-counts" }, JOB_STATUSES.map((status) => h("li", { "data-count": status },
      h("span", { class: "job-count" }, String(counts[status] || 0)), " ", JOB_STATUS_LABEL[status])))
      : h("p", { class: "empty" }, "No alert jobs yet."),
    notArrived ? h("p", { class: "notice notice-danger" }, notArrived === 1
      ? "1 alert did not reach its phone. Ring that manager, and look below for why."
      : `${notArrived} alerts did not reach their phones. Ring those managers, and look below for why.`) : null);
}

function fact(term, ...value) {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

function jobItem(job) {
  const kind = JOB_KIND_LABEL[job.kind] || job.kind;
  const who = job.recipient?.display_name || `person ${job.user_id}`;
  const titleId = `job-${job.id}-title`;
  const error = lastErrorInWords(job);
  const next = nextStep(job);
  const concern = job.concern_id;
  return h("li", { class: "alert-job", "data-job": String(job.id), "data-status": job.status },
    h("h3", { id: titleId, class: "alert-job-title" }, `${kind} to ${who}`),
    h("span", { class: `status ${TONE[job.status] || "status-waiting"}` },
      `Status: ${JOB_STATUS_LABEL[job.status] || job.status}`),
    next.stuck ? h("p", { class: "notice notice-danger" }, `Stuck. ${next.text}`) : null,
    h("dl", { class: "facts job-facts" },
      fact("Attempts", String(job.attempts)),
      fact("Phone", job.device_label || (job.subscription_id ? "Not named" : "Subscription removed")),
      fact("Created", when(job.created_at)),
      fact("Last tried", lastTried(job)),
      job.sent_at ? fact("Sent", when(job.sent_at)) : null,
      next.stuck ? null : fact("Next try", next.text),
      error ? fact("Last error", error.words, h("span", { class: "audit-detail job-error-detail" }, ` (${error.detail})`)) : null,
      fact("Concern", concern
        ? h("a", { href: `/concerns/${encodeURIComponent(concern)}`, class: "concern-link" }, `Open concern ${concern.slice(0, 8)}`)
        : "None: a test alert is about no concern")));
}

function listSummary(jobs, filters, limit) {
  const parts = [filters.status ? JOB_STATUS_LABEL[filters.status].toLowerCase() : "",
    filters.kind ? JOB_KIND_LABEL[filters.kind].toLowerCase() : ""].filter(Boolean);
  const which = parts.length ? ` (${parts.join(", ")})` : "";
  if (!jobs.length) return `No alert jobs${which} to show.`;
  const count = jobs.length === 1 ? "1 job" : `${jobs.length} jobs`;
  const more = jobs.length >= limit ? ` Only the newest ${limit} are shown: filter to see older ones.` : "";
  return `${count}${which} shown, newest first.${more}`;
}

export async function render(main, ctx) {
  const retry = () => render(main, ctx);
  const filters = filtersFromAddress();
  const limit = 100;
  const ask = (wanted) => api.pushJobs({
    ...Object.fromEntries(Object.entries(wanted).filter(([, v]) => v)), limit: String(limit) });
  const first = await online(main, TITLE, () => ask(filters), retry);
  if (!first) return;

  const status = select([["", "Every status"], ...JOB_STATUSES.map((s) => [s, JOB_STATUS_LABEL[s]])], filters.status);
  const kind = select([["", "Every kind"], ...JOB_KINDS.map((k) => [k, JOB_KIND_LABEL[k]])], filters.kind);
  const problem = h("div", { class: "form-error", role: "alert", id: "alert-jobs-error" });
  const counts = h("div", { id: "job-counts-box" });
  const summary = h("p", { class: "muted", id: "alert-jobs-summary", "aria-live": "polite" });
  const list = h("div", { id: "alert-jobs" });
  const alertingBox = h("div", { id: "alerting-warning" });
  const clear = h("span", {});

  function draw(answer, shown) {
    replace(counts, countsCard(answer.counts || {}));
    replace(clear, shown.status || shown.kind ? h("a", { class: "btn btn-secondary", href: PATH }, "Clear filters") : null);
    summary.textContent = listSummary(answer.jobs, shown, limit);
    const anyAtAll = Object.values(answer.counts || {}).some((n) => n > 0);
    replace(list, answer.jobs.length ? h("ul", { class: "alert-jobs" }, answer.jobs.map(jobItem))
      : h("p", { class: "empty" }, anyAtAll ? "No alert jobs match these filters."
        : "No alert jobs yet. They appear when an urgent concern is submitted and a duty manager has alerts on, or when someone sends a test alert."));
  }

  async function filter(event) {
    event.preventDefault();
    const wanted = { status: status.value, kind: kind.value };
    let answer;
    try {
      answer = await ask(wanted);
    } catch (error) {
      problem.textContent = error instanceof api.NetworkError ? OFFLINE : error.message;
      return;
    }
    problem.textContent = "";
    // A new entry, so Back returns to the filters before; the router draws it from the address.
    if (addressOf(wanted) !== window.location.pathname + window.location.search) history.pushState(null, "", addressOf(wanted));
    draw(answer, wanted);
  }

  replace(main, h("div", { class: "page" },
    h("h1", {}, TITLE),
    backLink("/admin", "Admin console"),
    alertingBox,
    h("p", { class: "muted" }, "Each urgent-concern alert is one job per phone of each manager it goes to. Works online only: nothing here is kept on this phone."),
    counts,
    h("form", { class: "card form", role: "search", "aria-label": "Filter alert jobs", onsubmit: filter },
      problem,
      field("jobs-status", "Status", status),
      field("jobs-kind", "Kind", kind),
      h("div", { class: "item-buttons" },
        h("button", { type: "submit", class: "btn" }, "Show jobs"), clear)),
    h("h2", { id: "alert-jobs-title" }, "Jobs, newest first"),
    summary, list));
  draw(first, filters);
  await drawAlertingWarning(alertingBox);
}
