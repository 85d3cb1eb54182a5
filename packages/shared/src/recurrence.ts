import { z } from 'zod';
import { calendarDateSchema } from './input.js';
import { bookingBodyShape, bookingSchema } from './bookings.js';
import { catalogWeekdaySchema } from './businesses.js';

/*
 * Weekly series (docs/api/bookings.md "Recurrence" and "Series"): the rule, its expansion into dates
 * and the series endpoints' schemas. Dates are calendar dates in the business's time zone; the
 * arithmetic below runs on UTC midnights, where every day has 24 hours, so no time zone is needed.
 */

/** RFC 5545 weekday codes by JavaScript weekday (0 = Sunday). */
export const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const WEEKDAY_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export const MAX_SERIES_OCCURRENCES = 52;
export const MAX_SERIES_INTERVAL = 4;
/** `until` is at most this many days after the first date. */
export const MAX_SERIES_DAYS = 180;

// ───────────────────────── the rule ─────────────────────────

const countSchema = z
  .number()
  .int('A whole number of occurrences.')
  .min(1, 'At least 1 occurrence.')
  .max(MAX_SERIES_OCCURRENCES, `At most ${MAX_SERIES_OCCURRENCES} occurrences.`);

/** FREQ=WEEKLY with INTERVAL, BYDAY and one of UNTIL (a date, inclusive) or COUNT. */
export const weeklyRuleSchema = z
  .object({
    byDay: z
      .array(catalogWeekdaySchema)
      .min(1, 'Choose at least one weekday.')
      .max(7)
      .refine((a) => new Set(a).size === a.length, 'Each weekday once.')
      .transform((a) => [...a].sort((x, y) => x - y)),
    interval: z.number().int('Every 1 to 4 weeks.').min(1, 'Every 1 to 4 weeks.').max(MAX_SERIES_INTERVAL, 'Every 1 to 4 weeks.').default(1),
    until: calendarDateSchema.nullable().optional(),
    count: countSchema.nullable().optional(),
  })
  .superRefine((v, ctx) => {
    const hasUntil = v.until != null;
    const hasCount = v.count != null;
    if (hasUntil && hasCount) ctx.addIssue({ code: 'custom', path: ['count'], message: 'Give either an end date or a number of occurrences, not both.' });
    if (!hasUntil && !hasCount) ctx.addIssue({ code: 'custom', path: ['count'], message: 'Give an end date or a number of occurrences.' });
  });
export type WeeklyRuleInput = z.input<typeof weeklyRuleSchema>;
export type WeeklyRule = { byDay: number[]; interval: number; until?: string | null; count?: number | null };

const DAY_MS = 86_400_000;
const toDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(toDay(s)) && fromDay(toDay(s)) === s;

function assertRule(rule: WeeklyRule) {
  const days = rule.byDay;
  if (days.length === 0 || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) throw new RangeError('byDay holds weekdays 0–6, at least one');
  if (!Number.isInteger(rule.interval) || rule.interval < 1 || rule.interval > MAX_SERIES_INTERVAL) throw new RangeError('interval is 1–4');
  const hasUntil = rule.until != null;
  const hasCount = rule.count != null;
  if (hasUntil === hasCount) throw new RangeError('give exactly one of until and count');
  if (hasUntil && !isDate(rule.until!)) throw new RangeError(`until is not a date: ${rule.until}`);
  if (hasCount && (!Number.isInteger(rule.count) || rule.count! < 1 || rule.count! > MAX_SERIES_OCCURRENCES)) throw new RangeError('count is 1–52');
}

/** Monday-based position in the week (WKST=MO): Monday 0 … Sunday 6. */
const weekPosition = (weekday: number) => (weekday + 6) % 7;

/**
 * The occurrence dates of `rule` from `firstDate` on, in order. Weeks run Monday to Sunday; the week of
 * `firstDate` is week 0 and every `interval`-th week after it is used. `firstDate` itself counts only
 * when its weekday is in `byDay`. `until` is inclusive; never more than 52 dates.
 */
export function expandWeeklyRule(rule: WeeklyRule, firstDate: string): string[] {
  assertRule(rule);
  if (!isDate(firstDate)) throw new RangeError(`firstDate is not a date: ${firstDate}`);
  const first = toDay(firstDate);
  // Day 0 of the epoch (1970-01-01) was a Thursday.
  const weekStart = first - weekPosition((first + 4) % 7);
  const positions = [...new Set(rule.byDay.map(weekPosition))].sort((a, b) => a - b);
  const last = rule.until != null ? toDay(rule.until) : Number.POSITIVE_INFINITY;
  const limit = Math.min(rule.count ?? MAX_SERIES_OCCURRENCES, MAX_SERIES_OCCURRENCES);

  const dates: string[] = [];
  for (let week = weekStart; dates.length < limit; week += 7 * rule.interval) {
    if (week > last) break;
    for (const p of positions) {
      const day = week + p;
      if (day < first) continue;
      if (day > last || dates.length >= limit) break;
      dates.push(fromDay(day));
    }
  }
  return dates;
}

/**
 * Why a valid rule cannot start on `firstDate` (the local date of the first start), as a field path
 * below the request body and a message, or null. The API calls it once it knows the business's time zone.
 */
export function seriesRuleProblem(rule: WeeklyRule, firstDate: string): { path: string[]; message: string } | null {
  if (rule.until != null) {
    const span = toDay(rule.until) - toDay(firstDate);
    if (span < 0) return { path: ['rule', 'until'], message: 'The series must end on or after its first date.' };
    if (span > MAX_SERIES_DAYS)
      return {
        path: ['rule', 'until'],
        message: `A series can run at most ${MAX_SERIES_DAYS} days: end it by ${fromDay(toDay(firstDate) + MAX_SERIES_DAYS)}.`,
      };
  }
  if (expandWeeklyRule(rule, firstDate).length === 0)
    return { path: ['rule', 'byDay'], message: 'None of the chosen weekdays falls between the first date and the end date.' };
  return null;
}

/** The rule as an RRULE value, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6 (UNTIL as a DATE). */
export function toRRule(rule: WeeklyRule): string {
  assertRule(rule);
  const byDay = [...new Set(rule.byDay)].sort((a, b) => weekPosition(a) - weekPosition(b)).map((d) => WEEKDAY_CODES[d]);
  const end = rule.count != null ? `COUNT=${rule.count}` : `UNTIL=${rule.until!.replaceAll('-', '')}`;
  return `FREQ=WEEKLY;INTERVAL=${rule.interval};BYDAY=${byDay.join(',')};${end}`;
}

const untilFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** For people: "Every 2 weeks on Mon, Wed, 6 times", "Every week on Sun, until 31 Jan 2026". */
export function describeRule(rule: WeeklyRule): string {
  assertRule(rule);
  const every = rule.interval === 1 ? 'Every week' : `Every ${rule.interval} weeks`;
  const days = [...new Set(rule.byDay)]
    .sort((a, b) => weekPosition(a) - weekPosition(b))
    .map((d) => WEEKDAY_SHORT[d])
    .join(', ');
  const end = rule.count != null ? (rule.count === 1 ? 'once' : `${rule.count} times`) : `until ${untilFormat.format(new Date(`${rule.until}T00:00:00Z`))}`;
  return `${every} on ${days}, ${end}`;
}

// ───────────────────────── series endpoints ─────────────────────────

const { startDate: _startDate, endDate: _endDate, ...slotFields } = bookingBodyShape;

/** A booking body for a slot service (`startsAt` required, no dates) plus the rule. */
export const createSeriesBodySchema = z.object({
  ...slotFields,
  startsAt: bookingBodyShape.startsAt.unwrap(),
  rule: weeklyRuleSchema,
});
export type CreateSeriesBody = z.input<typeof createSeriesBodySchema>;
export type CreateSeriesInput = z.output<typeof createSeriesBodySchema>;

export const SERIES_STATUSES = ['active', 'cancelled'] as const;
export const seriesSchema = z.object({
  id: z.string(),
  rule: z.object({
    byDay: z.array(z.number().int()),
    interval: z.number().int(),
    until: z.string().nullable().optional(),
    count: z.number().int().nullable().optional(),
  }),
  rrule: z.string(),
  /** "HH:MM" in `timeZone`, the start of every occurrence. */
  localStartTime: z.string(),
  timeZone: z.string(),
  firstDate: z.string(),
  status: z.enum(SERIES_STATUSES),
});
export type Series = z.infer<typeof seriesSchema>;

export const seriesConflictSchema = z.object({ date: z.string(), reason: z.string() });
export type SeriesConflict = z.infer<typeof seriesConflictSchema>;
export const seriesResponseSchema = z.object({ series: seriesSchema, bookings: z.array(bookingSchema), conflicts: z.array(seriesConflictSchema) });
export type SeriesResponse = z.infer<typeof seriesResponseSchema>;
export const seriesDetailSchema = z.object({ series: seriesSchema, bookings: z.array(bookingSchema) });
export type SeriesDetail = z.infer<typeof seriesDetailSchema>;

/** Cancels every pending/confirmed occurrence on or after `from` (default: today). */
export const cancelSeriesBodySchema = z.object({
  reason: z.string().trim().min(1, 'Give a reason.').max(500, 'At most 500 characters.'),
  from: calendarDateSchema.optional(),
});
export type CancelSeriesBody = z.infer<typeof cancelSeriesBodySchema>;
export const cancelSeriesResponseSchema = z.object({ cancelled: z.number().int() });
