import { IANAZone } from 'luxon';

/*
 * Wall-clock arithmetic in a business's time zone. A "wall" value is a local date-time written as if
 * it were UTC milliseconds, so that dates and minutes can be added without thinking about offsets;
 * only the conversions to and from instants look at the zone.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export function zoneOf(timeZone: string): IANAZone {
  const zone = IANAZone.create(timeZone);
  // Time zones are validated when a business is saved; one the runtime does not know is a bug, not input.
  if (!zone.isValid) throw new Error(`Unknown time zone ${timeZone}.`);
  return zone;
}

/** What gives a zone's offset (minutes) at an instant: the zone itself, or `offsetsBetween`'s table of it. */
export type Offsets = Pick<IANAZone, 'offset'>;

/** The local wall clock at an instant. */
export function wallAt(zone: Offsets, instant: number): number {
  return instant + zone.offset(instant) * MINUTE_MS;
}

const SAMPLE_MS = 6 * 60 * MINUTE_MS;

/**
 * The zone's offsets over [from, to] asked once: a few lookups a day and a search at each
 * transition, instead of one (a few microseconds through Intl) per instant. Laying out a month of
 * slots asks for the offset at every 15-minute step of every worker; the offset only changes at a
 * transition. Sampled every 6 hours, which assumes, as `firstInstantAt` does, that a zone does not
 * change twice that close; outside [from, to] it asks the zone.
 */
export function offsetsBetween(zone: IANAZone, from: number, to: number): Offsets {
  const first = zone.offset(from);
  /** Offsets from `at` on, in time order. */
  const changes: { at: number; offset: number }[] = [];
  let before = first;
  for (let lo = from; lo < to;) {
    const next = Math.min(lo + SAMPLE_MS, to);
    const offset = zone.offset(next);
    if (offset !== before) {
      let a = lo;
      let b = next;
      while (b - a > 1) {
        const mid = Math.floor((a + b) / 2);
        if (zone.offset(mid) === before) a = mid;
        else b = mid;
      }
      changes.push({ at: b, offset });
      before = offset;
    }
    lo = next;
  }
  return {
    offset(instant: number) {
      if (!(instant >= from && instant <= to)) return zone.offset(instant);
      let offset = first;
      for (const c of changes) {
        if (instant < c.at) break;
        offset = c.offset;
      }
      return offset;
    },
  };
}

/**
 * The first instant at which the local clock reads `wall` or later. Luxon (like most libraries)
 * resolves a repeated time to its later occurrence and a skipped one by pushing it forward by the
 * gap; here a window that opens at 02:30 on a fall-back day opens the first time the clock shows
 * 02:30, and one that opens inside a spring-forward gap opens when the clock jumps over it.
 */
export function firstInstantAt(zone: IANAZone, wall: number): number {
  const key = `${zone.name} ${wall}`;
  let instant = firstInstants.get(key);
  if (instant === undefined) {
    // A full cache starts over rather than tracking use: it refills with the few days being booked.
    if (firstInstants.size >= FIRST_INSTANTS_KEPT) firstInstants.clear();
    firstInstants.set(key, (instant = computeFirstInstantAt(zone, wall)));
  }
  return instant;
}

/**
 * Answers of `firstInstantAt`, which never change for a zone and a wall time. Each asks the zone for
 * up to four offsets (a few microseconds each through Intl), and every booking and availability
 * request needs the same few: the opening and closing times and midnights of the days around it.
 */
const firstInstants = new Map<string, number>();
const FIRST_INSTANTS_KEPT = 50_000;

function computeFirstInstantAt(zone: IANAZone, wall: number): number {
  // Offsets a day either side cover any transition near `wall` (zones do not change twice in two days).
  const offsets = [zone.offset(wall - DAY_MS), zone.offset(wall + DAY_MS)].map((o) => o * MINUTE_MS);
  const exact = offsets.map((o) => wall - o).filter((t) => wallAt(zone, t) === wall);
  if (exact.length) return Math.min(...exact);
  // Inside a gap: the local clock is below `wall` before the transition and above it after.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(zone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function wallOfDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function dateOfWall(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfWall(wallOfDate(date) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, as in operating hours and weekly windows. */
export function weekdayOf(date: string): number {
  return new Date(wallOfDate(date)).getUTCDay();
}

/** No caller asks for more days than this (availability: 31 plus a day either side; day bookings: 31). */
export const MAX_DATES = 400;

/**
 * Every date from `from` to `to`, both included. Counted in days, not by comparing strings: past
 * year 9999 ISO strings stop sorting as dates. More than MAX_DATES is a caller's bug, refused rather
 * than worked through.
 */
export function datesBetween(from: string, to: string): string[] {
  const start = wallOfDate(from);
  const count = Math.round((wallOfDate(to) - start) / DAY_MS) + 1;
  if (!Number.isFinite(count)) throw new RangeError(`not dates: ${from}, ${to}`);
  if (count > MAX_DATES) throw new RangeError(`${count} dates asked for; at most ${MAX_DATES}`);
  return Array.from({ length: Math.max(0, count) }, (_, i) => dateOfWall(start + i * DAY_MS));
}

/** The local date of an instant. */
export function localDateOf(zone: IANAZone, instant: number): string {
  return dateOfWall(wallAt(zone, instant));
}

/** The instant the local date begins (the first instant of it, even where midnight is skipped). */
export function startOfLocalDate(zone: IANAZone, date: string): number {
  return firstInstantAt(zone, wallOfDate(date));
}

/** "HH:MM" → minutes after midnight; "24:00" is the end of the day. Null for anything else. */
export function parseClock(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 24 * 60) return null;
  return minutes;
}
