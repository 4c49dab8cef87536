// What the signed-in user may do, as the server says in GET /api/auth/session
// (backend/accounts/capabilities.py). Screens read this instead of keeping role lists;
// the server refuses a request all the same when the capability is missing.
export const WRITE_CONCERNS = "write_concerns";
export const READ_QUEUE = "read_queue";
export const MANAGE_CONCERNS = "manage_concerns";
export const RECEIVE_ALERTS = "receive_alerts";
export const ALL_TEAMS = "all_teams";
export const MANAGE_ROTA = "manage_rota";
export const MANAGE_PEOPLE = "manage_people";
export const ISSUE_SETUP_CODES = "issue_setup_codes";
export const TWO_STEP_SIGN_IN = "two_step_sign_in";
export const MANAGE_SSO = "manage_sso";

export function can(user, capability) {
  return Array.isArray(user?.capabilities) && user.capabilities.includes(capability);
}

// A foster carer writes the carer's own checklist (rules.js forAudience); everyone else the
// professionals'. The server works the concern out for the same audience.
export const CARER_CHECKLIST = "carer_checklist";

export function audienceOf(user) {
  return can(user, CARER_CHECKLIST) ? "carer" : "professional";
}
