// Every concern under legal hold now, on the Records screen: read once from the server
// (GET /api/admin/concerns/legal-holds), then kept in step with each hold the admin places or
// lifts here, so the list, the case's concerns and the open hold never disagree. The same read
// answers the case list's "held or not" for each concern, instead of one request per concern.
import * as api from "../api.js";
import { h, replace, when } from "../dom.js";
import { OFFLINE } from "./admin-parts.js";

const counted = (n) => (n === 1 ? "1 concern is under legal hold." : `${n} concerns are under legal hold.`);

/**
 * The list's element and its state. `pick(id)` opens a concern's hold; `follow(hold)` takes a
 * new state from the hold panel; `stateOf(id)` resolves to the concern's hold, or null when
 * the server could not be asked; `refresh()` reads the list again.
 */
export function heldNow(pick) {
  const box = h("div", { id: "held-now", "aria-live": "polite" }, h("p", { class: "muted" }, "Reading the concerns under legal hold…"));
  const held = new Map(); // concern id → its hold, while held
  let known = false;

  function draw() {
    const holds = [...held.values()].sort((a, b) => b.placed_at.localeCompare(a.placed_at));
    if (!holds.length) {
      replace(box, h("p", { id: "held-count" }, "No concern is under legal hold."));
      return;
    }
    replace(box, h("p", { id: "held-count" }, counted(holds.length)),
      h("ul", { class: "audit", id: "held-list" }, holds.map((hold) => h("li", { class: "audit-event", "data-held": hold.concern_id },
        h("code", { class: "audit-detail" }, hold.concern_id),
        h("span", { class: "muted" }, `Since ${when(hold.placed_at)}${hold.placed_by ? ` · placed by ${hold.placed_by}` : ""}`),
        h("span", {}, hold.reason),
        h("button", { type: "button", class: "btn btn-secondary", "aria-label": `Show the hold on concern ${hold.concern_id}`,
          onclick: () => pick(hold.concern_id) }, "Show the hold")))));
  }

  const load = () => api.legalHolds().then((answer) => {
    held.clear();
    for (const hold of answer.holds) held.set(hold.concern_id, hold);
    known = true;
    draw();
  }, (error) => {
    known = false;
    replace(box, h("p", { class: "notice", role: "alert", id: "held-error" }, error instanceof api.NetworkError
      ? OFFLINE : `The concerns under legal hold could not be read: ${error.message}`));
  });
  let loaded = load();

  return {
    element: box,
    follow(hold) {
      if (!known) return;
      if (hold.held) held.set(hold.concern_id, hold);
      else held.delete(hold.concern_id);
      draw();
    },
    /** Reads the list again (another admin may have changed it since the page opened). */
    refresh() {
      loaded = load();
      return loaded;
    },
    async stateOf(id) {
      await loaded;
      if (!known) return null;
      return held.get(id) || { concern_id: id, held: false };
    },
  };
}
