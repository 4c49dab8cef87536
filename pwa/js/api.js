// The server's JSON API. Every state-changing request carries the CSRF token from the
// session endpoint; every error comes back as ApiError with the server's stable code.

let csrfToken = null;
// This session's device key: the server reads no concern, answer or audit entry
// without it. It is in memory only while the app is unlocked (session-lock.js puts it here from the
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
// Whether an alert worker was seen lately (managers and admins): the queue's warning.
export const alerting = () => request("GET", "/api/alerting");
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

// Web Push (pwa/js/alerts.js): this browser's subscription and the on-duty switch.
export const pushPublicKey = () => request("GET", "/api/push/public-key");
export const pushSubscribe = (subscription) => request("POST", "/api/push/subscriptions", subscription);
export const pushUnsubscribe = (endpoint) => request("DELETE", "/api/push/subscriptions", { endpoint });
export const duty = () => request("GET", "/api/push/duty");
export const setDuty = (onDuty) => request("POST", "/api/push/duty", { on_duty: onDuty });
// Channels known to work: health, a test alert to myself, who on duty can be reached.
export const pushSubscriptions = () => request("GET", "/api/push/subscriptions");
export const pushTestAlert = () => request("POST", "/api/push/test-alerts", {});
export const pushCoverage = () => request("GET", "/api/push/coverage");
// Every alert job and its status, with counts per status (admins: the console's Alert deliveries).
export const pushJobs = (params) => request("GET", `/api/push/jobs?${new URLSearchParams(params)}`);

// The duty manager's desk: the queue, one concern's lifecycle, chronology, pack.
const concernPath = (id) => `/api/concerns/${encodeURIComponent(id)}`;
export const queue = (params) => request("GET", `/api/queue?${new URLSearchParams(params)}`);
// Every version of the concern, oldest first: whole to its team's managers, and to its author
// only their own versions and the progress in words (the server filters).
export const concernHistory = (id) => request("GET", `${concernPath(id)}/history`);
export const acknowledge = (id) => request("POST", `${concernPath(id)}/acknowledge`, {});
export const assignees = (id) => request("GET", `${concernPath(id)}/assignees`);
export const assign = (id, user) => request("POST", `${concernPath(id)}/assign`, { user });
export const updateAction = (id, action, change) =>
  request("PATCH", `${concernPath(id)}/actions/${encodeURIComponent(action)}`, change);
export const decide = (id, decision) => request("POST", `${concernPath(id)}/decision`, { decision });
export const openRestricted = (id, reason) =>
  request("POST", `${concernPath(id)}/access`, { reason }).then((r) => r.concern);
export const restrictConcern = (id, reason) => request("POST", `${concernPath(id)}/restrict`, { reason });
export const liftRestriction = (id, reason) => request("DELETE", `${concernPath(id)}/restrict`, { reason });
export const closeConcern = (id, outcome) => request("POST", `${concernPath(id)}/close`, { outcome });
// `via`: "button" (the pack's own, before the dialog opens) or "browser" (its menu or Ctrl+P).
export const recordPrint = (id, via = "button") => request("POST", `${concernPath(id)}/pack-prints`, { via });
export const chronology = (caseReference) =>
  request("GET", `/api/cases/${encodeURIComponent(caseReference)}/chronology`);

// On call: a team's rota, and this manager's mobile number for alert texts.
export const rota = (teamId) => request("GET", `/api/teams/${encodeURIComponent(teamId)}/rota`);
export const putRota = (teamId, shifts) => request("PUT", `/api/teams/${encodeURIComponent(teamId)}/rota`, { shifts });
export const mobile = () => request("GET", "/api/sms/mobile");
export const setMobile = (number) => request("POST", "/api/sms/mobile", { number });
export const verifyMobile = (code) => request("POST", "/api/sms/mobile/verify", { code });
export const removeMobile = () => request("DELETE", "/api/sms/mobile");
// Getting in: a setup code sets a password; a second factor finishes a sign-in.
export const redeemSetupCode = (username, code, password) =>
  request("POST", "/api/auth/setup-code", { username, code, password });
export const verifySecondFactor = (code) => request("POST", "/api/auth/two-step/verify", { code });
export const beginEnrolment = () => request("POST", "/api/auth/two-step/enrolment", {});
export const confirmEnrolment = (code) => request("POST", "/api/auth/two-step/enrolment/confirm", { code });

// The admin console: people, teams, the audit log; and a manager's own team.
const personPath = (id) => `/api/admin/people/${encodeURIComponent(id)}`;
export const adminPeople = (params) => request("GET", `/api/admin/people?${new URLSearchParams(params)}`);
export const adminPerson = (id) => request("GET", personPath(id));
export const createPerson = (person) => request("POST", "/api/admin/people", person);
export const updatePerson = (id, change) => request("PATCH", personPath(id), change);
export const deactivatePerson = (id) => request("POST", `${personPath(id)}/deactivate`, {});
export const reactivatePerson = (id) => request("POST", `${personPath(id)}/reactivate`, {});
export const endSessions = (id) => request("POST", `${personPath(id)}/end-sessions`, {});
export const newSetupCode = (id) => request("POST", `${personPath(id)}/setup-code`, {});
export const resetSecondFactor = (id) => request("POST", `${personPath(id)}/second-factor/reset`, {});
export const unlinkOrganisation = (id) => request("POST", `${personPath(id)}/unlink-organisation`, {});
export const adminTeams = () => request("GET", "/api/admin/teams");
export const adminTeam = (id) => request("GET", `/api/admin/teams/${encodeURIComponent(id)}`);
export const createTeam = (team) => request("POST", "/api/admin/teams", team);
export const updateTeam = (id, change) => request("PATCH", `/api/admin/teams/${encodeURIComponent(id)}`, change);
export const auditSearch = (params) => request("GET", `/api/admin/audit?${new URLSearchParams(params)}`);
// Records: subject access exports (JSON, saved as a file by the page, never stored by the
// app) and a concern's legal hold.
export const personExport = (id) => request("GET", `${personPath(id)}/export`);
export const caseExport = (ref) => request("GET", `/api/admin/cases/${encodeURIComponent(ref)}/export`);
const holdPath = (id) => `/api/admin/concerns/${encodeURIComponent(id)}/legal-hold`;
export const legalHold = (id) => request("GET", holdPath(id));
export const legalHolds = () => request("GET", "/api/admin/concerns/legal-holds");
export const placeLegalHold = (id, reason) => request("POST", holdPath(id), { reason });
export const liftLegalHold = (id, reason) => request("DELETE", holdPath(id), { reason });
export const teamPeople = () => request("GET", "/api/team/people");
export const teamSetupCode = (id) => request("POST", `/api/team/people/${encodeURIComponent(id)}/setup-code`, {});

/** The audit log as a CSV file (a Blob): fetched with the device key, which a plain link cannot send. */
export async function auditCsv(params) {
  const headers = { Accept: "text/csv" };
  if (deviceKey) headers[DEVICE_HEADER] = deviceKey;
  let response;
  try {
    response = await fetch(`/api/admin/audit.csv?${new URLSearchParams(params)}`,
      { headers, credentials: "same-origin" });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  if (!response.ok) {
    const err = (await response.json().catch(() => null))?.error || {};
    if (response.status === 401 && ENDED.has(err.code)) await onEnded(err.code);
    if (response.status === 401 && SIGN_IN_AGAIN.has(err.code)) await onSignInNeeded(err.code);
    throw new ApiError(response.status, err.code || "error", err.message || `The server answered ${response.status}.`, err.fields);
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || "safevisit-audit.csv";
  return { blob: await response.blob(), name };
}
// Single sign-on (backend/sso/): collect a sign-in with the organisation, and the
// admin's claim mapping.
export const redeemHandoff = () => request("POST", "/api/auth/oidc/handoff", {});
export const startOrganisationSignIn = () => request("POST", "/api/auth/oidc/start", {});
export const ssoMapping = () => request("GET", "/api/admin/sso-mapping");
export const addSsoMapping = (mapping) => request("POST", "/api/admin/sso-mapping", mapping);
export const removeSsoMapping = (id) => request("DELETE", `/api/admin/sso-mapping/${encodeURIComponent(id)}`);
