// The home screen's "Sending" card: what is waiting, what needs attention and why, the time
// of the last successful sync, and per item: retry, discard (after confirming), and for a
// conflict both versions side by side; for a rejection the server's field errors.
import { announce, confirmDialog, h, replace, when } from "../dom.js";
import { OutboxState } from "../names.js";
import * as procedure from "../procedure.js";
import * as store from "../store.js";
import * as sync from "../sync.js";

const PROBLEMS = {
  offline: "Could not reach SafeVisit.",
  server_error: "The server had a problem.",
  busy: "The server was busy.",
  refused: "The server refused the request.",
  no_answer: "The server did not answer for this concern.",
  device_error: "This phone could not read or write its outbox.",
};

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function detail(items, waiting, online) {
  if (sync.state.paused === "signin") {
    return "Your session has ended. Sign in again to send: nothing is lost, every concern stays on this phone.";
  }
  if (sync.state.sending) return "Sending now…";
  if (waiting && !online) return "You are offline. They will send by themselves when you are back online.";
  if (waiting && sync.state.lastError) {
    const next = Math.min(...items.filter((i) => i.state === OutboxState.WAITING).map((i) => i.next_at || 0));
    return `Not sent yet. ${PROBLEMS[sync.state.lastError] || ""} SafeVisit will try again` +
      (next > Date.now() ? ` at ${new Date(next).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" })}.` : ".");
  }
  if (waiting) return "Sending soon.";
  return online ? "Everything is up to date." : "You are offline.";
}

export async function drawOutbox(section, ctx, refresh) {
  const items = await store.listOutbox();
  const waiting = items.filter((i) => i.state === OutboxState.WAITING).length;
  const attention = items.length - waiting;
  const online = navigator.onLine;
  const labels = await questionLabels(items);
  replace(section,
    h("h2", { id: "sync-title" }, "Sending"),
    h("p", { class: "outbox-count", id: "outbox-count" },
      waiting ? `${plural(waiting, "concern", "concerns")} waiting to send` : "Nothing waiting to send"),
    attention ? h("p", { class: "outbox-attention", id: "outbox-attention" },
      `${plural(attention, "concern needs", "concerns need")} your attention`) : null,
    h("p", { class: "muted", id: "sync-state" }, detail(items, waiting, online)),
    h("p", { class: "muted", id: "last-sync" }, sync.state.lastSync
      ? `Last successful sync: ${when(sync.state.lastSync)}.` : "Not yet synced from this phone."),
    sync.state.paused === "signin"
      ? h("button", { type: "button", class: "btn", onclick: () => ctx.signInAgain() }, "Sign in again")
      : null,
    waiting && sync.state.paused !== "signin"
      ? h("button", { type: "button", class: "btn btn-secondary", disabled: !online || sync.state.sending,
        onclick: () => sync.flush({ ignoreBackoff: true }) }, "Send now") : null,
    items.length ? h("ul", { class: "outbox", "aria-label": "Outbox" },
      items.map((item) => outboxItem(item, ctx, refresh, labels))) : null);
}

function outboxItem(item, ctx, refresh, labels) {
  const ref = item.change.case_reference;
  const attention = item.state !== OutboxState.WAITING;
  const tried = item.attempts ? ` · ${plural(item.attempts, "try", "tries")}` : "";
  const discard = async () => {
    const sure = await confirmDialog({ title: "Discard this concern?", danger: true,
      body: `The concern for ${ref} will be removed from this phone` +
        (attention ? "." : " and never sent.") + " This cannot be undone.",
      confirm: "Discard concern" });
    if (!sure) return;
    await store.discard(item);
    announce(`Concern ${ref} discarded.`);
    await refresh();
  };
  return h("li", { class: `outbox-item${attention ? " needs-attention" : ""}`, "data-change": item.change_id },
    h("div", { class: "draft-text" },
      h("strong", {}, ref),
      h("span", { class: `status status-${attention ? "attention" : OutboxState.WAITING}` },
        attention ? "Needs attention" : "Waiting to send"),
      h("span", { class: "muted" }, `Queued ${when(item.queued_at)}${tried}` +
        (item.last_error && !attention ? ` · ${PROBLEMS[item.last_error] || item.last_error}` : ""))),
    item.state === OutboxState.CONFLICT ? conflictView(item, refresh, labels) : null,
    item.state === OutboxState.REJECTED ? rejectedView(item, ctx, labels) : null,
    h("div", { class: "item-buttons" },
      item.state === OutboxState.WAITING ? h("button", { type: "button", class: "btn btn-secondary",
        "aria-label": `Retry ${ref}`, disabled: !navigator.onLine || sync.state.paused === "signin",
        onclick: async () => { await store.retryNow(item.change_id); await sync.flush({ ignoreBackoff: true }); } },
      "Retry") : null,
      h("button", { type: "button", class: "btn btn-quiet", "aria-label": `Discard ${ref}`, onclick: discard }, "Discard")));
}

function conflictView(item, refresh, labels) {
  const mine = item.change;
  const theirs = item.problem.server || { answers: {}, notes: "" };
  const ids = [...new Set([...Object.keys(mine.answers), ...Object.keys(theirs.answers || {})])];
  const differ = ids.filter((id) => JSON.stringify(mine.answers[id]) !== JSON.stringify(theirs.answers?.[id]));
  const column = (title, copy) => h("div", { class: "version" }, h("h3", {}, title),
    h("dl", { class: "answers" }, differ.map((id) => h("div", { class: "answer" },
      h("dt", {}, labels.get(id) || id), h("dd", {}, show(copy.answers?.[id])))),
    mine.notes !== theirs.notes ? h("div", { class: "answer" }, h("dt", {}, "Notes"), h("dd", {}, copy.notes || "None")) : null));
  return h("div", { class: "problem" },
    h("p", {}, `This concern was changed elsewhere too (server version ${item.problem.version}). ` +
      "Nothing was overwritten: both versions are kept. Where they differ:"),
    h("div", { class: "versions" }, column("On this phone", mine), column("On the server", theirs)),
    h("button", { type: "button", class: "btn", onclick: async () => {
      await store.rebase(item, item.problem.version);
      announce(`Sending your version of ${mine.case_reference} as the latest.`);
      await refresh();
      sync.flush({ ignoreBackoff: true });
    } }, "Send mine as the latest"));
}

function rejectedView(item, ctx, labels) {
  const errors = Object.entries(item.problem.errors || {});
  return h("div", { class: "problem" },
    h("p", {}, "The server did not accept this concern:"),
    h("ul", { class: "field-errors" }, errors.map(([field, messages]) => h("li", {},
      h("strong", {}, `${labels.get(field.replace(/^answers\./, "")) || field}: `), messages.join(" ")))),
    h("button", { type: "button", class: "btn", onclick: async () => {
      await store.reopen(item);
      await ctx.navigate(`/checklist/${item.id}`);
    } }, "Correct it"));
}

function show(value) {
  if (value === undefined || value === null) return "Not answered";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return Array.isArray(value) ? value.join(", ") || "None" : String(value);
}

// Question labels for the versions items were made under, when the phone has them.
async function questionLabels(items) {
  const labels = new Map();
  for (const item of items.filter((i) => i.state !== OutboxState.WAITING)) {
    const document = await procedure.version(item.change.procedure, item.change.procedure_version).catch(() => null);
    for (const q of document ? procedure.questions(document) : []) labels.set(q.id, q.label);
  }
  return labels;
}
