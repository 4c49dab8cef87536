// DOM helpers. Text always goes in through textContent, never through HTML strings, so a
// case note containing "<script>" shows as those characters.

/**
 * h("a", {href: "/x", class: "btn"}, "text", child) builds an element.
 * Props starting with "on" are listeners; `false`/null props are left off; children may be
 * strings, nodes, arrays or null.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Screen readers hear polite status messages from one live region. */
export function announce(message) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  // A fresh text node after a tick makes repeated identical messages heard again.
  setTimeout(() => { region.textContent = message; }, 50);
}

/** Runs `work` once the phone is idle (within a second at most). */
export function whenIdle(work) {
  if (window.requestIdleCallback) requestIdleCallback(() => work(), { timeout: 1000 });
  else setTimeout(work, 200);
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// Made on first use: building a formatter loads locale data, a long task (about 50 ms on a
// phone) that every page would otherwise pay at start, dates or not.
let dateFormat = null;

export function when(iso) {
  if (!iso) return "";
  dateFormat ||= new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  return dateFormat.format(new Date(iso));
}

/** A modal yes/no question on <dialog>, which traps focus and restores it on close. */
export function confirmDialog({ title, body, confirm, danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid("dialog-title");
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      h("p", {}, body),
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", class: "btn btn-secondary", value: "no",
          onclick: () => dialog.close("no") }, "Cancel"),
        h("button", { type: "button", class: danger ? "btn btn-danger" : "btn",
          onclick: () => dialog.close("yes") }, confirm)));
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "yes");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
