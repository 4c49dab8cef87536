// The server's JSON API. Every state-changing request carries the CSRF token from the
// session endpoint; every error comes back as ApiError with the server's stable code.

let csrfToken = null;
// This session's device key (issue 12): the server reads no concern, answer or audit entry
// without it. It is in memory only while the app is unlocked (app.js puts it here from the
// encrypted vault and takes it away on lock); at rest it exists only sealed in the vault.
let deviceKey = null;
export const DEVICE_HEADER = "X-SafeVisit-Device";
export function useDeviceKey(key) { deviceKey = typeof key === "string" && key ? key : null; }
export function forgetDeviceKey() { deviceKey = null; }
export const heldDeviceKey = () => deviceKey;

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

/** Thrown when no answer came back (offline, server down, connection dropped mid-way). */
export class NetworkError extends Error {
  constructor(message) { super(message); this.name = "NetworkError"; }
}

// The server ended this user's sessions (signed out elsewhere) or deactivated the account:
// the device must forget everything at this contact. Expiry is different: it answers
// `unauthorized` (or a null user) and the device keeps its data for the next sign-in.
export const ENDED = new Set(["session_ended", "account_deactivated"]);
let onEnded = () => {};

export function whenSessionEnded(handler) {
  onEnded = handler;
}

// The session expired (`unauthorized`) or the server refused this session's key
// (`device_locked`: none held, or one from an earlier sign-in): the user signs in again.
// Nothing is wiped: unlike a revocation, this says nothing against the data on the phone.
export const SIGN_IN_AGAIN = new Set(["unauthorized", "device_locked"]);
let onSignInNeeded = () => {};
export function whenSignInNeeded(handler) {
  onSignInNeeded = handler;
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRFToken"] = csrfToken;
  if (deviceKey) headers[DEVICE_HEADER] = deviceKey;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const err = data?.error || {};
    if (response.status === 401 && ENDED.has(err.code)) await onEnded(err.code);
    if (response.status === 401 && SIGN_IN_AGAIN.has(err.code)) await onSignInNeeded(err.code);
    throw new ApiError(response.status, err.code || "error",
      err.message || `The server answered ${response.status}.`, err.fields);
  }
  if (data && typeof data.csrf_token === "string") csrfToken = data.csrf_token;
  if (data && ENDED.has(data.ended)) await onEnded(data.ended);
  return data;
}

export const session = () => request("GET", "/api/auth/session");
export const login = (username, password) =>
  request("POST", "/api/auth/login", { username, password });
export const logout = () => request("POST", "/api/auth/logout", {});
export const sync = (changes) => request("POST", "/api/sync", { changes });
export const concerns = () => request("GET", "/api/concerns");
export const procedureRechecks = () => request("GET", "/api/procedure-rechecks");
export const concern = (id) => request("GET", `/api/concerns/${encodeURIComponent(id)}`);
export const procedure = (slug) => request("GET", `/api/procedures/${encodeURIComponent(slug)}`);
export const procedureVersion = (slug, version) =>
  request("GET", `/api/procedures/${encodeURIComponent(slug)}/versions/${encodeURIComponent(version)}`);

/** A token is needed before the first POST of a page's life; fetch one if we have none. */
export async function ensureCsrf() {
  if (!csrfToken) await session();
}

/** A new token (and who the server thinks we are), as the outbox gets before each batch. */
export function freshSession() {
  csrfToken = null;
  return session();
}

// Web Push (issue 6; pwa/js/alerts.js): this browser's subscription and the on-duty switch.
export const pushPublicKey = () => request("GET", "/api/push/public-key");
export const pushSubscribe = (subscription) => request("POST", "/api/push/subscriptions", subscription);
export const pushUnsubscribe = (endpoint) => request("DELETE", "/api/push/subscriptions", { endpoint });
export const duty = () => request("GET", "/api/push/duty");
export const setDuty = (onDuty) => request("POST", "/api/push/duty", { on_duty: onDuty });

// The duty manager's desk (issue 11): the queue, one concern's lifecycle, chronology, pack.
const concernPath = (id) => `/api/concerns/${encodeURIComponent(id)}`;
export const queue = (params) => request("GET", `/api/queue?${new URLSearchParams(params)}`);
export const acknowledge = (id) => request("POST", `${concernPath(id)}/acknowledge`, {});
export const assignees = (id) => request("GET", `${concernPath(id)}/assignees`);
export const assign = (id, user) => request("POST", `${concernPath(id)}/assign`, { user });
export const updateAction = (id, action, change) =>
  request("PATCH", `${concernPath(id)}/actions/${encodeURIComponent(action)}`, change);
export const decide = (id, decision) => request("POST", `${concernPath(id)}/decision`, { decision });
export const closeConcern = (id, outcome) => request("POST", `${concernPath(id)}/close`, { outcome });
export const recordPrint = (id) => request("POST", `${concernPath(id)}/pack-prints`, {});
export const chronology = (caseReference) =>
  request("GET", `/api/cases/${encodeURIComponent(caseReference)}/chronology`);

// Single sign-on (issue 13; backend/sso/): collect a sign-in with the organisation, and the
// admin's claim mapping.
export const redeemHandoff = () => request("POST", "/api/auth/oidc/handoff", {});
export const ssoMapping = () => request("GET", "/api/admin/sso-mapping");
export const addSsoMapping = (mapping) => request("POST", "/api/admin/sso-mapping", mapping);
export const removeSsoMapping = (id) => request("DELETE", `/api/admin/sso-mapping/${encodeURIComponent(id)}`);
