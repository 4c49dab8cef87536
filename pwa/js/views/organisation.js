// Back from the organisation's sign-in (the server's callback sent the browser here): collect
// the sign-in it left in this browser's session, once, with a POST — the device key never
// travels in a URL — and carry on exactly as after a password sign-in.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { completeSignIn } from "../signed-in.js";

export async function render(main, ctx) {
  replace(main, h("div", { class: "page page-narrow" },
    h("h1", {}, "Signing you in"),
    h("p", { role: "status" }, "Finishing the sign-in with your organisation…")));
  try {
    await api.freshSession(); // a CSRF token for the POST
    await completeSignIn(ctx, await api.redeemHandoff());
  } catch (error) {
    const message = error instanceof api.NetworkError
      ? "You are offline. Signing in needs a connection."
      : error.message;
    replace(main, h("div", { class: "page page-narrow" },
      h("h1", {}, "That sign-in did not work"),
      h("p", { class: "notice", role: "alert" }, message),
      h("p", {}, h("a", { class: "btn", href: "/login" }, "Back to sign-in"))));
  }
}
