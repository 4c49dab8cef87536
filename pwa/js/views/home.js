// Home: my drafts and where each one stands, what is waiting to send, settings, sign-out.
import * as alerts from "../alerts.js";
import * as api from "../api.js";
import { can, ISSUE_SETUP_CODES, MANAGE_PEOPLE, READ_QUEUE, TWO_STEP_SIGN_IN, WRITE_CONCERNS } from "../capabilities.js";
import { announce, confirmDialog, h, replace, when } from "../dom.js";
import { DraftStatus, roleName } from "../names.js";
import * as store from "../store.js";
import * as sync from "../sync.js";
import * as vault from "../vault.js";
import { drawOutbox, plural } from "./outbox.js";

export async function render(main, ctx) {
  const { user } = ctx;
  const status = h("section", { class: "card sync", "aria-labelledby": "sync-title" });
  const draftsList = h("div", {});
  const sentList = h("div", {});
  const persistence = h("div", {});
  replace(main, h("div", { class: "page" },
    h("h1", {}, `Hello, ${user.display_name}`),
    h("p", { class: "muted" }, `${roleName(user.role)} · ${user.team?.name ?? ""} team`),
    can(user, WRITE_CONCERNS)
      ? h("a", { class: "btn btn-block btn-primary-lg", href: "/checklist/new" }, "Start a home-visit checklist")
      : null,
    can(user, READ_QUEUE)
      ? h("a", { class: "btn btn-block btn-primary-lg", href: "/queue" }, "Open the concern queue")
      : null,
    can(user, MANAGE_PEOPLE)
      ? h("a", { class: "btn btn-block btn-primary-lg", href: "/admin" }, "Open the admin console")
      : null,
    can(user, ISSUE_SETUP_CODES)
      ? h("a", { class: "btn btn-block btn-secondary", href: "/team" }, "Setup codes for my team")
      : null,
    persistence,
    can(user, WRITE_CONCERNS) ? status : null,
    draftsList,
    sentList,
    await settings(ctx),
    h("section", { class: "card", "aria-labelledby": "account-title" },
      h("h2", { id: "account-title" }, "Account"),
      h("p", {}, `Signed in as ${user.username}.`),
      can(user, TWO_STEP_SIGN_IN) ? twoStepLine(user) : null,
      h("button", { type: "button", class: "btn btn-secondary", onclick: () => signOut(ctx) },
        "Sign out"))));

  const refresh = async () => {
    if (!store.isUnlocked()) return; // locked meanwhile: the lock screen has the page
    await drawPersistence(persistence);
    if (!can(user, WRITE_CONCERNS)) return;
    await drawOutbox(status, ctx, refresh);
    await drawDrafts(draftsList, user, refresh);
    await drawSent(sentList, user);
  };
  // Redraws come from events and timers, which have no caller to report to.
  const redraw = () => refresh().catch((error) => console.warn("home not redrawn", error));
  ctx.onLeave(sync.onChange(redraw));
  const onNetwork = redraw;
  window.addEventListener("online", onNetwork);
  window.addEventListener("offline", onNetwork);
  ctx.onLeave(() => {
    window.removeEventListener("online", onNetwork);
    window.removeEventListener("offline", onNetwork);
  });
  await refresh();
}

function twoStepLine(user) {
  return user.two_step
    ? h("p", {}, "You sign in with a code from your authenticator app too.")
    : h("p", {}, "Two-step sign-in is off. ", h("a", { href: "/two-step" }, "Set up two-step sign-in"));
}

async function drawPersistence(container) {
  // Only when the browser said no: it may then clear SafeVisit's data to free space.
  const refused = (await store.getMeta("persisted")) === false;
  replace(container, refused ? h("p", { class: "notice", id: "persist-notice" },
    "This browser has not promised to keep SafeVisit's data when the phone runs low on space. " +
    "Send concerns as soon as you can; adding SafeVisit to your home screen usually helps.") : null);
}

async function settings(ctx) {
  const select = h("select", { id: "idle-minutes", name: "idle-minutes" },
    vault.IDLE_CHOICES.map((m) => h("option", { value: String(m) }, plural(m, "minute", "minutes"))));
  select.value = String(await vault.idleMinutes());
  select.addEventListener("change", async () => {
    await ctx.setIdleMinutes(Number(select.value));
    announce(`SafeVisit now locks after ${plural(Number(select.value), "minute", "minutes")} without use.`);
  });
  return h("section", { class: "card", "aria-labelledby": "settings-title" },
    h("h2", { id: "settings-title" }, "Settings"),
    h("div", { class: "field" }, h("label", { for: "idle-minutes" }, "Lock SafeVisit after this long without use"),
      select),
    // Before handing the phone to someone: the passcode is needed again, and until then the
    // server gives this phone nothing personal (the device key leaves memory too).
    h("button", { type: "button", class: "btn btn-quiet", onclick: () => ctx.lock() }, "Lock now"));
}

async function drawDrafts(container, user, refresh) {
  const drafts = (await store.listDrafts()).filter((d) => d.owner === user.id && d.status === DraftStatus.DRAFT);
  const items = drafts.map((draft) => {
    const ref = draft.answers.case_reference || "No case reference yet";
    const answered = Object.keys(draft.answers).length;
    return h("li", { class: "draft" },
      h("div", { class: "draft-text" },
        h("a", { class: "draft-link", href: `/checklist/${draft.id}` }, ref),
        h("span", { class: "muted" },
          `Saved on this phone ${when(draft.updated_at)} · ${plural(answered, "answer", "answers")} · procedure v${draft.procedure_version}`)),
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

// Where each sent concern stands, in the author's words (received, acknowledged, closed), read
// from the server when online and kept in memory only: the phone stores no more than it sent.
const PROGRESS_MAX_AGE_MS = 60_000;
let progressRead = { at: 0, byId: null };

async function readProgress() {
  if (!navigator.onLine) return progressRead.byId;
  if (progressRead.byId && Date.now() - progressRead.at < PROGRESS_MAX_AGE_MS) return progressRead.byId;
  try {
    const { concerns } = await api.concerns();
    progressRead = { at: Date.now(), byId: new Map(concerns.map((c) => [c.id, c])) };
  } catch (error) {
    // Offline or signed out meanwhile: the list still shows "Sent".
  }
  return progressRead.byId;
}

async function drawSent(container, user) {
  const sent = (await store.listDrafts()).filter((d) => d.owner === user.id && d.status === DraftStatus.SENT);
  const progress = sent.length ? await readProgress() : null;
  replace(container, sent.length ? h("section", { class: "card", "aria-labelledby": "sent-title" },
    h("h2", { id: "sent-title" }, "Sent"),
    h("ul", { class: "drafts" }, sent.map((draft) => {
      const known = progress?.get(draft.id);
      return h("li", { class: "draft", "data-draft": draft.id },
        h("div", { class: "draft-text" }, h("strong", {}, draft.case_reference),
          known
            ? h("span", { class: `status status-${known.progress}`, "data-progress": known.progress }, known.progress_label)
            : h("span", { class: "status status-sent" }, "Sent"),
          h("span", { class: "muted" }, `Sent ${when(draft.sent_at)}. Its answers are no longer kept on this phone.`),
          // Read back from the server when opened (online only): the phone keeps no copy.
          h("a", { class: "draft-link", href: `/my-concerns/${draft.id}`,
            "aria-label": `What you sent and what happened: ${draft.case_reference}` }, "What you sent and what happened")));
    })))
    : null);
}

async function signOut(ctx) {
  // Offline, the server session could not be ended, so the phone would stay signed in.
  if (!navigator.onLine) {
    announce("Signing out needs a connection. Your answers stay saved on this phone.");
    return;
  }
  const { outbox: count, drafts } = await store.unsentSummary();
  const unsent = [count && `${plural(count, "concern has", "concerns have")} not been sent`,
    drafts && `${plural(drafts, "draft", "drafts")} will be lost`].filter(Boolean);
  const body = unsent.length
    ? `${unsent.join(" and ")}. Signing out removes everything SafeVisit keeps on this phone.`
    : "Signing out removes everything SafeVisit keeps on this phone.";
  const sure = await confirmDialog({ title: "Sign out?", body, confirm: "Sign out", danger: unsent.length > 0 });
  if (!sure) return;
  // The server's answer clears the site's storage (Clear-Site-Data): nothing may be
  // reading or writing it then, so sending stops first.
  await sync.halt();
  await store.idle();
  let atOrganisation = null;
  try {
    // While the session still stands: remove this browser's push subscription (best effort).
    await alerts.beforeSignOut();
    await api.ensureCsrf();
    atOrganisation = (await api.logout())?.organisation_sign_out_url;
  } catch (error) {
    if (error.status !== 401) {
      announce(`Could not sign out: ${error.message}`);
      sync.resume();
      return;
    }
  }
  await ctx.wipe();
  // Signed in with the organisation: sign out there too, or the next "Sign in with your
  // organisation" on this phone would let the previous person straight back in.
  if (atOrganisation) window.location.assign(atOrganisation);
  else await ctx.navigate("/login", { replace: true });
}
