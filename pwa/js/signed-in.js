// What happens once the server has signed someone in, whichever way they signed in (a password
// on views/login.js, or their organisation on views/organisation.js): the same device rules.
import * as api from "./api.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { keepTeamNumbers } from "./views/lock.js";

export async function completeSignIn(ctx, { user, device_key: deviceKey }) {
  // Another person's drafts never carry over to this one, even if the last session
  // expired rather than being signed out.
  const owner = await store.getMeta("owner");
  if (owner !== undefined && owner !== user.id) await ctx.wipe();
  await store.setMeta("owner", user.id);
  await keepTeamNumbers(user); // for the lock screen's emergency call, which needs no passcode
  // The new session's device key goes with every request from now on. Locked (a reload
  // since the last sign-in) or no passcode yet: the profile and the key are sealed into
  // the vault as soon as it opens (session-lock.js gate), and kept only in memory until then.
  api.useDeviceKey(deviceKey);
  if (store.isUnlocked()) {
    await store.setSecret("user", user);
    await store.setSecret("deviceKey", deviceKey);
  }
  ctx.setUser(user);
  // Sending paused at an expired session goes on with the same items and change ids.
  sync.resume();
  await ctx.navigate(ctx.takeReturnTo(), { replace: true });
}
