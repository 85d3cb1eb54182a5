/*
 * One rule for when the worker may say "On my way" and press "Start": from `startWindowMinutes`
 * before the booking's start (a business booking setting, default 2 hours). The API refuses earlier
 * moves with 409 and the worker's buttons stay disabled until then, both through `whenCanSetOff`.
 */

export const START_WINDOW_DEFAULT_MINUTES = 120;
/** A day: a business may let its workers start any time on the day before (the e2e walks use it). */
export const START_WINDOW_MAX_MINUTES = 1440;

export type SetOff = { allowed: boolean; from: Date };

/** Whether the worker may set off (or start) `booking` at `now`, and from when they may. */
export function whenCanSetOff(booking: { startsAt: string | Date }, settings: { startWindowMinutes: number }, now: Date): SetOff {
  const startsAt = typeof booking.startsAt === 'string' ? Date.parse(booking.startsAt) : booking.startsAt.getTime();
  const from = new Date(startsAt - settings.startWindowMinutes * 60_000);
  return { allowed: now.getTime() >= from.getTime(), from };
}

/** "14:00" in `timeZone`, with the date too ("8 Dec, 14:00") when it is not the same local day as `now`. */
export function setOffTimeText(from: Date, timeZone: string, now: Date): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(from);
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  if (day(from) === day(now)) return time;
  return `${new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }).format(from)}, ${time}`;
}

/** How long before the start, in words: "2 hours", "90 minutes", "at the start time". */
export function startWindowText(minutes: number): string {
  if (minutes === 0) return 'at the start time';
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'} before the start`;
  return `${minutes} minutes before the start`;
}
