// Home: my drafts, what is waiting to send, and whether we are online.
import * as api from "../api.js";
import { announce, confirmDialog, h, replace, when } from "../dom.js";
import * as store from "../store.js";
import * as sync from "../sync.js";

const AUTHORS = new Set(["foster_carer", "field_worker"]);

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

export async function render(main, ctx) {
  const { user } = ctx;
  const status = h("section", { class: "card sync", "aria-labelledby": "sync-title" });
  const draftsList = h("div", {});
  replace(main, h("div", { class: "page" },
    h("h1", {}, `Hello, ${user.display_name}`),
    h("p", { class: "muted" }, `${roleName(user.role)} · ${user.team?.name ?? ""} team`),
    AUTHORS.has(user.role)
      ? h("a", { class: "btn btn-block btn-primary-lg", href: "/checklist/new" }, "Start a home-visit checklist")
      : null,
    ctx.managers.has(user.role)
      ? h("a", { class: "btn btn-block btn-primary-lg", href: "/queue" }, "Open the concern queue")
      : null,
    status,
    draftsList,
    h("section", { class: "card", "aria-labelledby": "account-title" },
      h("h2", { id: "account-title" }, "Account"),
      h("p", {}, `Signed in as ${user.username}.`),
      h("button", { type: "button", class: "btn btn-secondary", onclick: () => signOut(ctx) },
        "Sign out"))));

  const refresh = async () => {
    await drawStatus(status);
    if (AUTHORS.has(user.role)) await drawDrafts(draftsList, user, refresh);
  };
  ctx.onLeave(sync.onChange(refresh));
  const onNetwork = () => refresh();
  window.addEventListener("online", onNetwork);
  window.addEventListener("offline", onNetwork);
  ctx.onLeave(() => {
    window.removeEventListener("online", onNetwork);
    window.removeEventListener("offline", onNetwork);
  });
  await refresh();
}

function roleName(role) {
  return { foster_carer: "Foster carer", field_worker: "Field worker",
    duty_manager: "Duty manager", admin: "Administrator" }[role] || role;
}

async function drawStatus(section) {
  const count = await store.outboxCount();
  const online = navigator.onLine;
  const lastSync = sync.state.lastSync || await store.getMeta("lastSync");
  let detail;
  if (sync.state.sending) detail = "Sending now…";
  else if (count && !online) detail = "You are offline. They will send when you are back online.";
  else if (count && sync.state.lastError) detail = "Not sent yet. SafeVisit will try again.";
  else if (lastSync) detail = `Last sent ${when(lastSync)}.`;
  else detail = online ? "Everything is up to date." : "You are offline.";
  replace(section,
    h("h2", { id: "sync-title" }, "Sending"),
    h("p", { class: "outbox-count", id: "outbox-count" },
      count ? `${plural(count, "concern", "concerns")} waiting to send` : "Nothing waiting to send"),
    h("p", { class: "muted", id: "sync-state" }, detail),
    count ? h("button", { type: "button", class: "btn btn-secondary", disabled: !online || sync.state.sending,
      onclick: () => sync.flush() }, "Send now") : null);
}

async function drawDrafts(container, user, refresh) {
  const drafts = (await store.listDrafts()).filter((d) => d.owner === user.id && d.status === "draft");
  const items = drafts.map((draft) => {
    const ref = draft.answers.case_reference || "No case reference yet";
    const answered = Object.keys(draft.answers).length;
    return h("li", { class: "draft" },
      h("div", { class: "draft-text" },
        h("a", { class: "draft-link", href: `/checklist/${draft.id}` }, ref),
        h("span", { class: "muted" },
          `${plural(answered, "answer", "answers")} · saved ${when(draft.updated_at)} · procedure v${draft.procedure_version}`)),
      h("button", { type: "button", class: "btn btn-quiet", "aria-label": `Delete draft ${ref}`,
        onclick: async () => {
          const sure = await confirmDialog({ title: "Delete this draft?", danger: true,
            body: `The draft for ${ref} and its ${plural(answered, "answer", "answers")} will be removed from this phone. This cannot be undone.`,
            confirm: "Delete draft" });
          if (!sure) return;
          await store.deleteDraft(draft.id);
          announce(`Draft ${ref} deleted.`);
          await refresh();
          container.querySelector("h2")?.focus();
        } }, "Delete"));
  });
  replace(container, h("section", { class: "card", "aria-labelledby": "drafts-title" },
    h("h2", { id: "drafts-title", tabindex: "-1" }, "My drafts"),
    items.length ? h("ul", { class: "drafts" }, items)
      : h("p", { class: "muted" }, "No drafts on this phone.")));
}

async function signOut(ctx) {
  // Offline, the server session could not be ended, so the phone would stay signed in.
  if (!navigator.onLine) {
    announce("Signing out needs a connection. Your answers stay saved on this phone.");
    return;
  }
  const [count, drafts] = [await store.outboxCount(),
    (await store.listDrafts()).filter((d) => d.status === "draft").length];
  const unsent = [count && `${plural(count, "concern has", "concerns have")} not been sent`,
    drafts && `${plural(drafts, "draft", "drafts")} will be lost`].filter(Boolean);
  const body = unsent.length
    ? `${unsent.join(" and ")}. Signing out removes everything SafeVisit keeps on this phone.`
    : "Signing out removes everything SafeVisit keeps on this phone.";
  const sure = await confirmDialog({ title: "Sign out?", body, confirm: "Sign out", danger: unsent.length > 0 });
  if (!sure) return;
  try {
    await api.ensureCsrf();
    await api.logout();
  } catch (error) {
    if (error.status !== 401) {
      announce(`Could not sign out: ${error.message}`);
      return;
    }
  }
  await store.wipe();
  ctx.setUser(null);
  await ctx.navigate("/login", { replace: true });
}
