// The bar fixed to the foot of the checklist. Once anything recommended is immediate or urgent it
// holds the real tel: links — 999 first when the child is in danger, then the desk that answers
// now — so a call is one tap away from any scroll position; otherwise it is the one-line summary
// that leads to the recommendations. Its height is published as --callbar so that the page can
// scroll clear of it and a focused control is never hidden under it (WCAG 2.2, 2.4.11).
import { h, replace } from "../dom.js";

// Digits and a leading + only: what a tel: link dials.
const dialable = (number) => number.replace(/(?!^\+)[^0-9]/g, "");
const SHORT = { duty: "Duty desk", out_of_hours: "Out of hours" };

export function callBar() {
  const calls = h("div", { class: "call-bar-calls" });
  const text = h("span", { class: "call-bar-text", id: "actions-summary" });
  const toPanel = h("a", { class: "call-bar-summary", href: "#actions" }, text);
  const element = h("div", { class: "call-bar", id: "call-bar", role: "region", "aria-label": "Calls and recommendations" },
    calls, toPanel);
  let panelInView = false;
  let urgent = false;

  // With large text on a small screen the bars could cover most of it: then they are compact
  // (the top bar scrolls away, the summary line goes) and the calls keep their place.
  const publishHeight = () => {
    const root = document.documentElement;
    root.classList.remove("bars-crowded");
    const bars = () => [document.querySelector(".topbar"), element, document.getElementById("tabbar")]
      .reduce((sum, bar) => sum + (bar && !bar.hidden ? bar.offsetHeight : 0), 0);
    if (!element.hidden && bars() > window.innerHeight * 0.4) root.classList.add("bars-crowded");
    root.style.setProperty("--callbar", `${element.hidden ? 0 : element.offsetHeight}px`);
  };
  window.addEventListener("resize", publishHeight);
  const resized = new ResizeObserver(publishHeight);
  resized.observe(element);

  function show() {
    // The summary alone steps aside while the panel it leads to is on screen; the calls never do.
    element.hidden = !urgent && panelInView;
    toPanel.hidden = false;
    publishHeight();
  }

  return {
    element,
    /**
     * danger: 999 is recommended (immediate danger); choice: the desk the clock picked
     * (office-hours.js deskNow); summary: the one line for the panel.
     */
    update({ danger, choice, summary, needsCall }) {
      urgent = needsCall;
      text.textContent = summary;
      const links = [];
      if (needsCall && danger) {
        links.push(h("a", { class: "btn btn-call call-999", href: "tel:999", "data-call": "999" }, "Call 999"));
      }
      if (needsCall && choice?.number) {
        links.push(h("a", { class: `btn btn-call ${danger ? "btn-call-second" : ""}`, href: `tel:${dialable(choice.number)}`,
          "data-call": choice.desk || "unknown" }, `${SHORT[choice.desk] || "Duty desk"}: ${choice.number}`));
      }
      replace(calls, links);
      calls.hidden = !links.length;
      element.classList.toggle("is-urgent", needsCall);
      show();
    },
    panelVisible(visible) {
      panelInView = visible;
      show();
    },
    stop() {
      resized.disconnect();
      window.removeEventListener("resize", publishHeight);
      document.documentElement.style.removeProperty("--callbar");
      document.documentElement.classList.remove("bars-crowded");
    },
  };
}
