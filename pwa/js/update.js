// Service worker registration and the "Update available — reload" offer. The new worker
// waits until the user taps Reload; answers are saved as they are typed, and we also wait
// for any write still in flight, so an update never lands on top of unsaved input.
import { idle } from "./store.js";

export async function register() {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const offer = (worker) => showBanner(worker);
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      // With no controller this is the first install, which is not an update.
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  return registration;
}

let userChoseReload = false;

navigator.serviceWorker?.addEventListener("controllerchange", () => {
  // The first install also changes controller (clients.claim); only reload when asked to.
  if (userChoseReload) window.location.reload();
});

function showBanner(worker) {
  const banner = document.getElementById("update");
  const button = banner.querySelector("button");
  banner.hidden = false;
  button.onclick = async () => {
    button.disabled = true;
    document.activeElement?.blur?.(); // commits a field that saves on change
    await idle();
    userChoseReload = true;
    worker.postMessage({ type: "skip-waiting" });
  };
}
