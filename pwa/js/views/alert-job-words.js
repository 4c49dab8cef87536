// An alert job's state said in words for the admin's "Alert deliveries" screen: why the last
// send did not go (the worker records the push service's answer code and a short technical
// line, backend/push/delivery.py) and when it is tried next. Kept apart from the screen so the
// words can grow without the screen doing so.
import { when } from "../dom.js";
import { JobStatus } from "../names.js";

// A pending job this far past its due time has been left by the workers, not merely queued.
const STUCK_AFTER_MS = 60_000;
const GAVE_UP = "gave up: ";

function reason(code, error) {
  if (error === "concern acknowledged") return "Not needed: someone acknowledged the concern before it went.";
  if (error === "the subscription was removed") {
    return "The phone's alert subscription was removed before this was sent (alerts turned off, or signed out).";
  }
  if (code === 404 || code === 410) {
    return "The phone's alert subscription no longer exists at the push service. SafeVisit removed it: " +
      "the manager must turn alerts on again on that phone.";
  }
  if (code === 429) return "The push service asked SafeVisit to slow down.";
  if (code >= 500) return "The push service had a fault at its end.";
  if (code === 413) return "The push service refused the message as too large.";
  if (code >= 300 && code < 400) return "The push service tried to send the message elsewhere; SafeVisit never follows a redirect.";
  if (code === 400 || code === 403) {
    return "The push service refused the message: the phone's subscription or SafeVisit's push key may no longer match.";
  }
  if (error.startsWith("no answer within")) return "The push service did not answer in time.";
  if (error.startsWith("network error")) return "SafeVisit could not reach the push service.";
  if (error.startsWith("could not encrypt")) return "The message could not be encrypted for this phone: its keys are not valid.";
  if (code === null || code === undefined) return "SafeVisit refused to send to this address.";
  return "The push service did not take the message.";
}

/** The last error in words ({words, detail}), or null when there was none. */
export function lastErrorInWords(job) {
  const raw = job.last_error || "";
  if (!raw && (job.last_status_code === null || job.last_status_code === undefined)) return null;
  if (!raw && job.status === JobStatus.SENT) return null;
  const gaveUp = raw.startsWith(GAVE_UP);
  const error = gaveUp ? raw.slice(GAVE_UP.length) : raw;
  const words = reason(job.last_status_code, error);
  const tries = job.attempts === 1 ? "1 try" : `${job.attempts} tries`;
  return { words: gaveUp ? `Gave up after ${tries}. ${words}` : words, detail: raw };
}

/** When it was last tried, in words. */
export function lastTried(job) {
  if (!job.attempts) return "Not tried yet";
  return when(job.updated_at);
}

/** What happens next, in words, and whether that is a worry (a job the workers have left). */
export function nextStep(job, now = Date.now()) {
  if (job.status === JobStatus.PENDING) {
    const due = new Date(job.next_attempt_at).getTime();
    if (now - due > STUCK_AFTER_MS) {
      return { text: `Due since ${when(job.next_attempt_at)}: no alert worker has taken it. Check the alert worker is running.`, stuck: true };
    }
    return { text: job.attempts ? `Retry due at ${when(job.next_attempt_at)}` : `Due at ${when(job.next_attempt_at)}`, stuck: false };
  }
  if (job.status === JobStatus.SENDING) {
    const lapses = job.lease_expires_at ? new Date(job.lease_expires_at).getTime() : now;
    if (lapses < now) {
      return { text: `A worker took it and its claim lapsed at ${when(job.lease_expires_at)}: the next worker takes it over.`, stuck: true };
    }
    return { text: `Being sent now (the worker's claim lasts until ${when(job.lease_expires_at)})`, stuck: false };
  }
  return { text: "None: finished", stuck: false };
}
