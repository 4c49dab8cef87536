// Names for the states the server and the app both speak of, and for the roles. The values are
// the server's (backend/concerns/lifecycle.py, the procedure's urgencies); everywhere else in
// the app uses these names, never the strings (tests/test_pwa_state_names.py fails on a
// stray one), so a typo cannot pass for a state and a rename is one edit.

/** Where a concern stands on the server. */
export const Status = Object.freeze({
  DRAFT: "draft", SUBMITTED: "submitted", ACKNOWLEDGED: "acknowledged", IN_PROGRESS: "in_progress", CLOSED: "closed",
});
/** The statuses a manager filters the queue by, in the order of the work. */
export const QUEUE_STATUSES = [Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.CLOSED];
export const STATUS_LABEL = {
  [Status.SUBMITTED]: "New", [Status.ACKNOWLEDGED]: "Acknowledged", [Status.IN_PROGRESS]: "In progress",
  [Status.CLOSED]: "Closed", [Status.DRAFT]: "Draft",
};

/** How soon a recommended action is needed, as the procedure says. */
export const Urgency = Object.freeze({ IMMEDIATE: "immediate", URGENT: "urgent", SOON: "soon", ROUTINE: "routine" });
/** Most urgent first. */
export const URGENCIES = [Urgency.IMMEDIATE, Urgency.URGENT, Urgency.SOON, Urgency.ROUTINE];
export const URGENCY_LABEL = {
  [Urgency.IMMEDIATE]: "Immediate", [Urgency.URGENT]: "Urgent", [Urgency.SOON]: "Soon", [Urgency.ROUTINE]: "Routine",
};
/** The urgencies that put the duty desk one tap away and keep a notification on screen. */
export const CALL_NOW = new Set([Urgency.IMMEDIATE, Urgency.URGENT]);

/** Where a concern is on this phone: being written, waiting in the outbox, or with the server. */
export const DraftStatus = Object.freeze({ DRAFT: Status.DRAFT, QUEUED: "queued", SENT: "sent" });

/** Where an alert job (a Web Push message) stands on the server: backend/alerts/states.py. */
export const JobStatus = Object.freeze({
  PENDING: "pending", SENDING: "sending", SENT: "sent", FAILED: "failed", DEAD: "dead", CANCELLED: "cancelled",
});
/** In the order an admin reads them: what still moves, what went, what did not. */
export const JOB_STATUSES = [JobStatus.PENDING, JobStatus.SENDING, JobStatus.SENT, JobStatus.FAILED,
  JobStatus.DEAD, JobStatus.CANCELLED];
export const JOB_STATUS_LABEL = {
  [JobStatus.PENDING]: "Waiting to be sent", [JobStatus.SENDING]: "Being sent", [JobStatus.SENT]: "Sent",
  [JobStatus.FAILED]: "Failed", [JobStatus.DEAD]: "Dead (subscription gone)", [JobStatus.CANCELLED]: "Cancelled",
};
/** What an alert job carries: backend/alerts/models.py JOB_KINDS. */
export const JobKind = Object.freeze({ ALERT: "alert", ESCALATION: "escalation", TEST: "test" });
export const JOB_KINDS = [JobKind.ALERT, JobKind.ESCALATION, JobKind.TEST];
export const JOB_KIND_LABEL = {
  [JobKind.ALERT]: "Alert", [JobKind.ESCALATION]: "Escalation", [JobKind.TEST]: "Test alert",
};

/** Where an outbox item stands: waiting to be sent, or kept for the user to decide. */
export const OutboxState = Object.freeze({ WAITING: "waiting", CONFLICT: "conflict", REJECTED: "rejected" });

// The roles' names as the server says them (GET /api/auth/session `roles`, from
// backend/accounts/capabilities.py), kept on the phone so they show offline too.
let roleNames = {};

/** The server's names for the roles, in its order ({role: name}). */
export function useRoleNames(names) {
  if (names && typeof names === "object") roleNames = { ...names };
}

/** A copy of the names in use. */
export const knownRoleNames = () => ({ ...roleNames });

/** A role's name ("Duty manager"); the role itself if the server never named it. */
export const roleName = (role) => roleNames[role] || role;

/** [role, name] pairs, in the server's order, for a choice of role. */
export const roleOptions = () => Object.entries(roleNames);
