// Links to a place on the same page ("#actions", "#q-child_age"): the page moves to the target
// and focus goes with it, so a keyboard or screen-reader user lands where a sighted one looks.
// Changing the address's hash alone moved nothing in this single-page app.

/** What to focus for a target: the control of a question, or the target itself. */
function focusable(target) {
  if (target.matches("input, textarea, select, button, a[href]")) return target;
  const control = target.querySelector("input:checked, input, textarea, select");
  if (control && target.matches("fieldset, .question")) return control;
  const heading = target.querySelector(":scope > h2[tabindex], :scope > h3[tabindex]");
  if (heading) return heading;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  return target;
}

/** Moves to and focuses the element with this id; `reveal(el)` opens what hides it first. */
export function moveTo(root, id, reveal = () => {}) {
  const target = root.querySelector(`#${CSS.escape(id)}`);
  if (!target) return false;
  reveal(target);
  const control = focusable(target);
  // Scrolled first with the page's scroll padding (clear of the fixed bars), then focused where it is.
  target.scrollIntoView({ block: target.offsetHeight > window.innerHeight / 2 ? "start" : "center" });
  control.focus({ preventScroll: true });
  return true;
}

/** Handles same-page links inside `root` before the app's router sees them. */
export function followInPageLinks(root, reveal) {
  root.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    const id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (id && moveTo(root, id, reveal)) event.preventDefault();
  });
}

/**
 * Keeps a focused control clear of the sticky top bar and the fixed bars at the foot (WCAG 2.2,
 * 2.4.11): the browser scrolls a half-visible control no further, so the page is moved by what
 * is still covered. The scroll padding in app.css does the same for links and scrollIntoView.
 */
export function keepFocusClear(root) {
  const onFocus = (event) => {
    const el = event.target;
    if (!(el instanceof Element) || el.closest(".topbar, #call-bar, #tabbar")) return;
    const top = Math.max(0, ...[...document.querySelectorAll(".topbar")].map((bar) => bar.getBoundingClientRect().bottom));
    const bottom = Math.min(window.innerHeight, ...[...document.querySelectorAll("#call-bar, #tabbar")]
      .filter((bar) => !bar.hidden).map((bar) => bar.getBoundingClientRect().top));
    const r = el.getBoundingClientRect();
    const gap = 8;
    if (r.top < top + gap || r.height > bottom - top - 2 * gap) window.scrollBy(0, r.top - top - gap);
    else if (r.bottom > bottom - gap) window.scrollBy(0, r.bottom - bottom + gap);
  };
  root.addEventListener("focusin", onFocus);
  return () => root.removeEventListener("focusin", onFocus);
}
