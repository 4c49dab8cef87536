// Start-up: the pieces of the app wired together. Routing is router.js (the pages are
// routes.js), the passcode lock and the session session-lock.js, and what the service worker
// says worker-messages.js.
import * as alerting from "./alerting.js";
import * as alerts from "./alerts.js";
import * as api from "./api.js";
import { announce, whenIdle } from "./dom.js";
import { firstScreen, guardWith, interceptLinks, route } from "./router.js";
import { findRoute } from "./routes.js";
import { loadUser, onSessionEnded, onSignInNeeded, pageTools, revokePending, unlock } from "./session-lock.js";
import { state } from "./session-state.js";
import * as sync from "./sync.js";
import { register } from "./update.js";
import { onWorkerMessage } from "./worker-messages.js";

const FIRST_SCREEN_WAIT_MS = 3000; // the service worker is registered by then at the latest

/**
 * The service worker is registered once the first screen is drawn (or after a few seconds at
 * most) and the phone is idle: its first install downloads and compiles the whole shell, which
 * would otherwise compete with the first screen for a slow phone's processor.
 */
function registerWhenDrawn() {
  const atMost = new Promise((resolve) => { setTimeout(resolve, FIRST_SCREEN_WAIT_MS); });
  Promise.race([firstScreen, atMost])
    .then(() => new Promise((resolve) => { whenIdle(resolve); }))
    .then(register)
    .catch((error) => console.warn("service worker not registered", error));
}

function showNetwork() {
  const badge = document.getElementById("network");
  const online = navigator.onLine;
  badge.textContent = online ? "Online" : "Offline";
  badge.classList.toggle("is-offline", !online);
}

async function start() {
  // A public page's module starts loading now, while the user is worked out (a page behind the
  // lock waits for the passcode check: route()).
  const first = findRoute(window.location.pathname);
  if (first?.[2].public) first[1].preload();
  guardWith(unlock, pageTools);
  showNetwork();
  window.addEventListener("online", () => {
    showNetwork();
    announce("Back online.");
    sync.flush({ ignoreBackoff: true });
  });
  window.addEventListener("offline", () => { showNetwork(); announce("You are offline. Answers are still saved on this phone."); });
  navigator.serviceWorker?.addEventListener("message", onWorkerMessage);
  api.whenSessionEnded(onSessionEnded);
  api.whenSignInNeeded(onSignInNeeded);
  interceptLinks();
  // Before the worker is registered: ending the session clears the site's storage
  // (Clear-Site-Data), service worker registrations included.
  await revokePending();
  registerWhenDrawn();
  await loadUser();
  alerts.start(state.user); // a manager with alerts on re-posts the subscription on every open
  alerting.restore(); // "phone the duty desk" stays until the worker says they have
  state.started = true;
  await route();
}

start();
