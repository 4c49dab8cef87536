// Subject access exports saved as files, and the person page's "Download everything held about
// them". The export is read from the server with the device key (a plain link cannot send it),
// turned into a file in memory and handed to the browser's download; the app itself keeps
// nothing of it: not in IndexedDB, and the service worker never caches /api (pwa/sw.js).
import * as api from "../api.js";
import { announce, h, replace } from "../dom.js";

const OFFLINE_EXPORT = "You are offline. The export needs a connection: nothing was downloaded. Try again when you are connected.";

/** "20261205-1650": the local time, for a file name that sorts by when it was made. */
export function fileStamp(date = new Date()) {
  const two = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}`;
}

/** Text safe in a file name on every system: letters, digits, "-" and "_" only. */
export function safeName(text) {
  return String(text).replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "export";
}

/** Hands `data` to the browser as a JSON file called `name`; the object URL lives a minute. */
export function saveJson(data, name) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, class: "visually-hidden" });
  // In the document only for the click (some browsers download only from an attached link):
  // a textless link left behind would be an empty link to a screen reader.
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * What went wrong with an export, in words. A restricted concern stops it until the admin has
 * recorded why they need it on that concern's page; the message links there.
 */
export function exportFailure(error) {
  if (error instanceof api.NetworkError) return [OFFLINE_EXPORT];
  if (error.code === "restricted") {
    const id = /\/api\/concerns\/([\w-]+)\/access/.exec(error.message)?.[1];
    const text = "A concern in this export is restricted, so nothing was downloaded. Open the concern, record why you need it " +
      "(the reason goes in the audit log), then download again.";
    return id ? [text, h("a", { href: `/concerns/${id}`, class: "restricted-link" }, "Open the restricted concern")] : [text];
  }
  if (error.status === 404) return [`${error.message} Nothing was downloaded.`];
  return [`The export could not be made: ${error.message} Nothing was downloaded.`];
}

/** Shows `parts` (from exportFailure) in `box`, an alert region, and moves focus to it. */
export function showFailure(box, parts) {
  replace(box, h("p", {}, parts[0]), parts[1] ? h("p", {}, parts[1]) : null);
  box.hidden = false;
  box.focus();
}

/** The person page's subject access card: what the file holds, that it is audited, the button. */
export function subjectAccessCard(person) {
  const failure = h("div", { class: "notice notice-danger", id: "person-export-error", role: "alert", tabindex: "-1", hidden: true });
  const button = h("button", { type: "button", class: "btn btn-secondary", id: "person-export" }, "Download everything held about them");
  button.addEventListener("click", async () => {
    failure.hidden = true;
    button.disabled = true;
    try {
      const data = await api.personExport(person.id);
      const name = `safevisit-subject-access-person-${person.id}-${fileStamp()}.json`;
      saveJson(data, name);
      announce(`Everything held about ${person.display_name} was saved as ${name}. The download is recorded in the audit log.`);
    } catch (error) {
      showFailure(failure, exportFailure(error));
    } finally {
      button.disabled = false;
    }
  });
  return h("section", { class: "card", "aria-labelledby": "person-export-title" },
    h("h2", { id: "person-export-title" }, "Subject access"),
    h("p", {}, `For a subject access request from ${person.display_name}, after the data protection officer has ` +
      "confirmed who is asking. The file (JSON) holds their account and what was done to it, their sign-ins, " +
      "alert channels and mobile number, what they did in SafeVisit (the audit log) and the concerns they wrote, as they wrote them."),
    h("p", { class: "muted" }, "The download is recorded in the audit log under your name. The file is saved to this " +
      "device's downloads: give it to the data protection officer for review and delete it from this device."),
    failure,
    button);
}
