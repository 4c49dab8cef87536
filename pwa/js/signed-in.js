// What happens once the server has signed someone in, whichever way they signed in (a password
// on views/login.js, or their organisation on views/organisation.js): the same device rules.
import * as api from "./api.js";
import { knownRoleNames, useRoleNames } from "./names.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { keepTeamNumbers } from "./views/lock.js";

const ROLE_NAMES = "roleNames"; // kept in clear: the server's names for the roles are nobody's data

/** The server's names for the roles (a session answer's `roles`), in use now and kept for an offline start. */
export async function rememberRoleNames(roles) {
  useRoleNames(roles);
  const names = knownRoleNames();
  if (!Object.keys(names).length) return;
  if (JSON.stringify(await store.getMeta(ROLE_NAMES)) !== JSON.stringify(names)) await store.setMeta(ROLE_NAMES, names);
}

/** The names kept from the last answer, for a start without a connection. */
export async function recallRoleNames() {
  useRoleNames(await store.getMeta(ROLE_NAMES));
}

export async function completeSignIn(ctx, { user, device_key: deviceKey, roles }) {
  // Another person's drafts never carry over to this one, even if the last session
  // expired rather than being signed out.
  const owner = await store.getMeta("owner");
  if (owner !== undefined && owner !== user.id) await ctx.wipe();
  await store.setMeta("owner", user.id);
  await rememberRoleNames(roles); // a wipe took the kept names with it
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
