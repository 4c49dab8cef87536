// Every message from the service worker comes through here, by type.
import * as alerts from "./alerts.js";
import { route } from "./router.js";
import * as sync from "./sync.js";

// Where a tapped notification may send the app: the queue or a concern (optionally with its
// Acknowledge button offered first, from the notification's "Open to acknowledge").
const ROUTABLE = /^\/(queue|concerns\/[A-Za-z0-9_-]{1,64}(\?acknowledge=1)?)$/;

const WORKER_MESSAGES = {
  // Background Sync fired in the service worker: it cannot read the outbox, we can. Backoff
  // still holds: the `online` event is the fresh chance after a lost connection.
  flush: () => sync.flush(),
  // A notification was tapped: route in place, as a link tap would, so an unlocked app
  // stays unlocked and a locked one asks for the passcode first.
  open: ({ path }) => {
    if (!ROUTABLE.test(path || "")) return;
    history.pushState(null, "", path);
    route();
  },
  // The worker could not post a replaced push subscription itself.
  "push-resubscribe": ({ replaces }) => alerts.resubscribe(replaces),
  // A push arrived: open screens that list concerns refresh (views/queue.js, concern.js).
  alert: ({ concern: id }) => window.dispatchEvent(new CustomEvent("safevisit:alert", { detail: { concern: id } })),
};

export function onWorkerMessage(event) {
  const type = event.data?.type;
  if (typeof type === "string" && Object.hasOwn(WORKER_MESSAGES, type)) WORKER_MESSAGES[type](event.data);
}
