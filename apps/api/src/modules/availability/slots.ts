import type { IANAZone } from 'luxon';
import { SLOT_STEP_MINUTES } from '@walkydoggy/shared';
import type { AvailabilityWindow, OperatingHours } from '@walkydoggy/shared/db';
import {
  addDays,
  datesBetween,
  firstInstantAt,
  localDateOf,
  MINUTE_MS,
  offsetsBetween,
  parseClock,
  startOfLocalDate,
  wallAt,
  wallOfDate,
  weekdayOf,
  zoneOf,
  type Offsets,
} from './local-time.js';
import { intersect, normalize, subtract, type Span } from './spans.js';

/*
 * Which slots a worker can take: plain data in, slots out. The availability route and booking
 * creation (`freeWorkers`) both come here, so what is offered and what can be booked never differ.
 *
 * Weekly windows (operating hours and a worker's availability) are read in the business's time zone:
 * - "HH:MM" from 00:00 to 23:59; a close of "24:00" is midnight at the end of the day;
 * - a close at or before the open runs past midnight into the next day ("22:00"–"02:00" is overnight,
 *   "00:00"–"00:00" a whole day). The API only accepts open < close; these readings keep data from
 *   elsewhere (imports, older rows) meaningful instead of silently dropping it;
 * - a window opens the first time the local clock shows its open time and closes the first time it
 *   shows its close time, so on a spring-forward day a window over the missing hour is that much
 *   shorter, and on a fall-back day one over the repeated hour is that much longer;
 * - windows touching each other (09:00–12:00 and 12:00–15:00) form one.
 * A closed date closes the whole local day, also for an overnight window reaching into it.
 */

/** Slots start at least this long after now. */
export const MIN_NOTICE_MINUTES = 60;
/** The duration of a service that has none. */
export const DEFAULT_DURATION_MINUTES = 60;
export const STEP_MS = SLOT_STEP_MINUTES * MINUTE_MS;

export type BusinessRules = {
  timeZone: string;
  operatingHours: readonly OperatingHours[];
  closedDates: readonly string[];
  /** Kept free before each booking of a worker (the time to get there); the time after is in `blockedUntil`. */
  travelBufferMinutes: number;
};

export type Period = { startsAt: Date; endsAt: Date };

export type WorkerCalendar = {
  id: string;
  status: 'active' | 'removed';
  weeklyAvailability: readonly AvailabilityWindow[];
  timeOff: readonly Period[];
  /** The worker's active bookings: each holds [startsAt, blockedUntil). */
  bookings: readonly { startsAt: Date; blockedUntil: Date }[];
};

export type Slot = { startsAt: Date; endsAt: Date };

type Window = { day: number; from: string; to: string };

/** Spans of the weekly windows on the given dates, as instants. */
function windowSpans(zone: IANAZone, dates: string[], windows: readonly Window[]): Span[] {
  const spans: Span[] = [];
  for (const date of dates) {
    const weekday = weekdayOf(date);
    for (const w of windows) {
      const from = parseClock(w.from);
      let to = parseClock(w.to);
      if (w.day !== weekday || from === null || to === null || from >= 24 * 60) continue;
      if (to <= from) to += 24 * 60;
      const day = wallOfDate(date);
      spans.push([firstInstantAt(zone, day + from * MINUTE_MS), firstInstantAt(zone, day + to * MINUTE_MS)]);
    }
  }
  return normalize(spans);
}

/** The next instant at or after `t` that is on a local 15-minute boundary. */
function alignUp(zone: Offsets, t: number): number {
  let at = t;
  for (;;) {
    const rem = ((wallAt(zone, at) % STEP_MS) + STEP_MS) % STEP_MS;
    if (rem === 0) return at;
    at += STEP_MS - rem;
  }
}

/** Closed dates among `dates` and the day after the last, as spans of whole local days. */
function closedSpans(zone: IANAZone, closedDates: readonly string[], dates: string[]): Span[] {
  const last = addDays(dates[dates.length - 1]!, 1);
  return normalize(closedDates.filter((d) => d >= dates[0]! && d <= last).map((d): Span => [startOfLocalDate(zone, d), startOfLocalDate(zone, addDays(d, 1))]));
}

/** Time off and, widened by the travel buffer before each, the worker's bookings. */
function busySpans(worker: WorkerCalendar, buffer: number): Span[] {
  return normalize([
    ...worker.timeOff.map((t): Span => [t.startsAt.getTime(), t.endsAt.getTime()]),
    // [s, s + duration + buffer) must not meet [start, blockedUntil): the slot must end a buffer before.
    ...worker.bookings.map((b): Span => [b.startsAt.getTime() - buffer, b.blockedUntil.getTime()]),
  ]);
}

const workerWindows = (worker: WorkerCalendar): Window[] => worker.weeklyAvailability.map((w) => ({ day: w.day, from: w.start, to: w.end }));
const hoursWindows = (business: BusinessRules): Window[] => business.operatingHours.map((h) => ({ day: h.day, from: h.open, to: h.close }));

/**
 * The zone's offsets over everything `workerSlots` looks at for local dates [from, to]: one table
 * serves every worker of a request.
 */
export function slotOffsets(timeZone: string, from: string, to: string): Offsets {
  const zone = zoneOf(timeZone);
  return offsetsBetween(zone, startOfLocalDate(zone, addDays(from, -1)), startOfLocalDate(zone, addDays(to, 2)));
}

type SlotArgs = {
  business: BusinessRules;
  worker: WorkerCalendar;
  from: string;
  to: string;
  durationMinutes: number;
  now: Date;
  /** `slotOffsets(business.timeZone, from, to)` when the caller lays out several workers. */
  offsets?: Offsets;
};

/**
 * The worker's slots of `durationMinutes` whose local start date is in [from, to] (dates in the
 * business's time zone): on a 15-minute local boundary, at least an hour after `now`, inside the
 * operating hours and one of the worker's windows, not on a closed date, clear of time off, and with
 * the travel buffer after it clear of the worker's bookings (the buffer before the slot is in each
 * booking's `blockedUntil`).
 */
export function workerSlots(args: SlotArgs): Slot[] {
  const duration = args.durationMinutes * MINUTE_MS;
  return slotStarts(args).map((s) => ({ startsAt: new Date(s), endsAt: new Date(s + duration) }));
}

/** The start instants of `workerSlots`, in time order. */
export function slotStarts(args: SlotArgs): number[] {
  const { business, worker, from, to } = args;
  if (worker.status !== 'active' || to < from) return [];
  const zone = zoneOf(business.timeZone);
  // An overnight window of the day before reaches into `from`.
  const dates = datesBetween(addDays(from, -1), to);
  const hours = windowSpans(zone, dates, hoursWindows(business));
  const windows = windowSpans(zone, dates, workerWindows(worker));
  const closed = closedSpans(zone, business.closedDates, dates);
  const busy = busySpans(worker, business.travelBufferMinutes * MINUTE_MS);
  const free = subtract(subtract(intersect(hours, windows), closed), busy);

  const offsets = args.offsets ?? slotOffsets(business.timeZone, from, to);
  const duration = args.durationMinutes * MINUTE_MS;
  const first = Math.max(startOfLocalDate(zone, from), args.now.getTime() + MIN_NOTICE_MINUTES * MINUTE_MS);
  const end = startOfLocalDate(zone, addDays(to, 1));
  const starts: number[] = [];
  for (const [a, b] of free) {
    // Stepping in real time and re-aligning to the local clock: a fall-back hour yields two sets of instants.
    for (let s = alignUp(offsets, Math.max(a, first)); s < end && s + duration <= b; s = alignUp(offsets, s + STEP_MS)) starts.push(s);
  }
  return starts;
}

/**
 * Whether stepping from `start` as `workerSlots` does (15 minutes of real time, then up to the next
 * local boundary) lands on `at`, an instant on a boundary at or after `start`. Without a change of
 * offset between the two, every boundary is 15 minutes from the next, so it does; an offset that is
 * not a whole number of steps can put a boundary within 15 minutes of another, which the stepping
 * then skips. Equal offsets at both ends mean no change in between, as zones do not change twice
 * within two days (the assumption `firstInstantAt` makes too); otherwise it steps.
 */
function reachedByStepping(zone: IANAZone, start: number, at: number): boolean {
  let s = alignUp(zone, start);
  const offset = zone.offset(s);
  if (offset === zone.offset(at) && (offset * MINUTE_MS) % STEP_MS === 0) return true;
  while (s < at) s = alignUp(zone, s + STEP_MS);
  return s === at;
}

/**
 * The workers of `workers` for whom [startsAt, startsAt + durationMinutes) is one of the slots
 * `workerSlots` gives for the local date of `startsAt`. Answers the same as looking the slot up in
 * each worker's whole day, without listing the days: only the free span around the slot is worked
 * out, the operating hours and closed dates once for all workers and each distinct weekly
 * availability once.
 */
export function workersOffering<W extends WorkerCalendar>(args: {
  business: BusinessRules;
  workers: readonly W[];
  startsAt: Date;
  durationMinutes: number;
  now: Date;
}): W[] {
  const { business } = args;
  const zone = zoneOf(business.timeZone);
  const at = args.startsAt.getTime();
  const date = localDateOf(zone, at);
  const first = Math.max(startOfLocalDate(zone, date), args.now.getTime() + MIN_NOTICE_MINUTES * MINUTE_MS);
  const end = startOfLocalDate(zone, addDays(date, 1));
  const duration = args.durationMinutes * MINUTE_MS;
  if (at < first || at >= end || ((wallAt(zone, at) % STEP_MS) + STEP_MS) % STEP_MS !== 0) return [];
  const dates = [addDays(date, -1), date];
  // (hours ∩ windows) − closed − busy, as in workerSlots, grouped as ((hours − closed) ∩ windows) − busy.
  const open = subtract(windowSpans(zone, dates, hoursWindows(business)), closedSpans(zone, business.closedDates, dates));
  const containing = (spans: readonly Span[]) => spans.find(([a, b]) => a <= at && at < b);
  if (!containing(open)) return [];
  const buffer = business.travelBufferMinutes * MINUTE_MS;
  const byWindows = new Map<string, Span[]>();
  return args.workers.filter((worker) => {
    if (worker.status !== 'active') return false;
    const key = JSON.stringify(worker.weeklyAvailability);
    let available = byWindows.get(key);
    if (!available) byWindows.set(key, (available = intersect(open, windowSpans(zone, dates, workerWindows(worker)))));
    const span = containing(subtract(available, busySpans(worker, buffer)));
    return span !== undefined && at + duration <= span[1] && reachedByStepping(zone, Math.max(span[0], first), at);
  });
}

/** Whether [startsAt, startsAt + duration) is one of the worker's slots. */
export function slotOffered(args: { business: BusinessRules; worker: WorkerCalendar; startsAt: Date; durationMinutes: number; now: Date }): boolean {
  return workersOffering({ ...args, workers: [args.worker] }).length > 0;
}

/**
 * The workers who perform a service: its listed workers, or every worker of the business when it lists
 * none; removed workers never. The calendars read (`performerParts` in availability.queries.ts) applies
 * the same rule in SQL, so that it reads only their calendars.
 */
export function performersOf<W extends { id: string; status: 'active' | 'removed' }>(workers: readonly W[], listedIds: readonly string[]): W[] {
  const listed = new Set(listedIds);
  return workers.filter((w) => w.status === 'active' && (listed.size === 0 || listed.has(w.id)));
}

/** Worker ids by fewest bookings starting on the local `date`, then by id: work is spread over the team. */
export function byDayLoad(workerIds: readonly string[], bookings: readonly { workerId: string; startsAt: Date }[], timeZone: string, date: string): string[] {
  const zone = zoneOf(timeZone);
  const load = new Map<string, number>(workerIds.map((id) => [id, 0]));
  for (const b of bookings) {
    if (load.has(b.workerId) && localDateOf(zone, b.startsAt.getTime()) === date) load.set(b.workerId, load.get(b.workerId)! + 1);
  }
  return [...workerIds].sort((a, b) => load.get(a)! - load.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}
