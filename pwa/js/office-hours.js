// Which number to ring now: the duty desk in the team's office hours, the out-of-hours team
// (Emergency Duty Team) outside them. Worked out on the phone, with no signal, from the team
// the session gave (kept encrypted on the phone) and the phone's clock, read as wall-clock
// time in the team's time zone by the Intl API — so a daylight-saving change is the
// browser's time-zone data's business, not ours. backend/accounts/office_hours.py states
// the same rule for the server's tests. Office hours and an Emergency Duty Team are how
// children's services are organised (practice), not a rule of the chapter.
const DAY_WORDS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const SHORT = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
export const DEFAULT_TIME_ZONE = "Europe/London";

/** The team's local weekday (1 = Monday) and "HH:MM" at `now`. */
export function localClock(now, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(now).map((p) => [p.type, p.value]));
  return { day: SHORT[parts.weekday], time: `${parts.hour}:${parts.minute}` };
}

export function describeHours(days, opens, closes) {
  const numbers = [...days].map(Number);
  const run = numbers.length > 2 && numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
  const span = run ? `${DAY_WORDS[numbers[0] - 1]} to ${DAY_WORDS[numbers.at(-1) - 1]}`
    : numbers.map((n) => DAY_WORDS[n - 1]).join(", ");
  return `${span}, ${opens} to ${closes}`;
}

/**
 * {desk: "duty"|"out_of_hours"|null, number, label, reason} for `team` at `now`.
 * desk is null (and number the duty desk's, if any) when the team has no office hours set
 * or neither number is known; a missing chosen number falls back to the other, and says so.
 */
export function deskNow(team, now = new Date()) {
  const duty = team?.duty_phone || null;
  const outOfHours = team?.out_of_hours_phone || null;
  const timeZone = team?.time_zone || DEFAULT_TIME_ZONE;
  const labels = { duty: "the duty desk", out_of_hours: "the out-of-hours team (Emergency Duty Team)" };
  if (!duty && !outOfHours) {
    return { desk: null, number: null, label: null,
      reason: "Your team's numbers are not set on this phone: ask your manager or administrator to set them." };
  }
  if (!(team.office_days && team.office_opens && team.office_closes)) {
    const desk = duty ? "duty" : "out_of_hours";
    return { desk: null, number: duty || outOfHours, label: labels[desk],
      reason: `Your team's office hours are not set on this phone${team.office_hours ? ` (“${team.office_hours}”)` : ""}, ` +
        "so the phone cannot tell which desk answers now: try the duty desk, then the out-of-hours team." };
  }
  let clock;
  try {
    clock = localClock(now, timeZone);
  } catch (error) { // a zone this browser does not know: say so rather than guess
    return { desk: null, number: duty || outOfHours, label: labels[duty ? "duty" : "out_of_hours"],
      reason: `This phone does not know the time zone ${timeZone}: try the duty desk, then the out-of-hours team.` };
  }
  const open = team.office_days.includes(String(clock.day)) && team.office_opens <= clock.time && clock.time < team.office_closes;
  const hours = describeHours(team.office_days, team.office_opens, team.office_closes);
  const at = `It is ${DAY_WORDS[clock.day - 1]} ${clock.time} for your team (${timeZone})`;
  let desk = open ? "duty" : "out_of_hours";
  let reason = open ? `${at}: within office hours (${hours}), so the duty desk answers.`
    : `${at}: outside office hours (${hours}), so the out-of-hours team answers.`;
  const chosen = desk === "duty" ? duty : outOfHours;
  if (!chosen) {
    desk = desk === "duty" ? "out_of_hours" : "duty";
    reason += ` Its number is not set on this phone, so this is ${labels[desk]}'s.`;
  }
  return { desk, number: desk === "duty" ? duty : outOfHours, label: labels[desk], reason };
}
