import { z } from 'zod';

/*
 * Rules every input obeys, whatever the field: text without control characters or broken Unicode,
 * bounded nesting, and dates and instants in a range that PostgreSQL and JavaScript both represent and
 * that a marketplace can mean. The API applies `inputProblem` to every request's body, query and path
 * before its schema (apps/api/src/platform/validation.ts), so no field can be forgotten; the date
 * schemas below are what every date and instant field is built from.
 */

// ───────────────────────── text ─────────────────────────

/**
 * C0 controls other than tab, line feed and carriage return; DEL; C1 controls. PostgreSQL refuses NUL
 * in text outright, and none of these has a place in a name, a note or a reason.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Why `text` cannot be stored as text, or null when it can. */
export function textProblem(text: string): string | null {
  if (CONTROL_CHARACTER.test(text)) return 'Remove the control characters from this text.';
  // A lone UTF-16 surrogate cannot be encoded as UTF-8 (the database's encoding).
  if (!text.isWellFormed()) return 'This text is not valid Unicode.';
  return null;
}

/** Deeper input than this is refused: no form of ours nests more than a few levels (GeoJSON: five). */
export const MAX_INPUT_DEPTH = 16;

export type InputProblem = { path: string[]; message: string; code: 'invalid_text' | 'too_deep' };

/**
 * The first problem of a parsed request part (JSON body, query, path parameters): a string, or an
 * object key, that `textProblem` refuses, or nesting deeper than `MAX_INPUT_DEPTH`. Iterative, and it
 * stops at the first problem, so a hostile document costs one pass over what was already parsed.
 */
export function inputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const message = textProblem(v);
      if (message) return { path, message, code: 'invalid_text' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) return { path, message: `Nested more than ${maxDepth} levels deep.`, code: 'too_deep' };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, String(i)] });
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      const message = textProblem(key);
      if (message)
        return { path: [...path, key.replace(CONTROL_CHARACTER_GLOBAL, '?')], message: `Field names: ${message.toLowerCase()}`, code: 'invalid_text' };
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return null;
}
const CONTROL_CHARACTER_GLOBAL = new RegExp(CONTROL_CHARACTER.source, 'g');

// ───────────────────────── dates and instants ─────────────────────────

/**
 * The calendar every date and instant of the API lies in. Wide enough for a pet's birth date and a
 * certificate's expiry, narrow enough that day arithmetic never leaves four-digit years (where ISO
 * strings stop sorting as dates) nor the range PostgreSQL's `date`/`timestamptz` and JavaScript's
 * `Date` share.
 */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2199-12-31';
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
/** Instants up to the end of LATEST_DATE, in any time zone. */
const LATEST_MS = Date.parse(`${LATEST_DATE}T00:00:00Z`) + 2 * 86_400_000;

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const outOfRange = `Use a date between ${EARLIEST_DATE} and ${LATEST_DATE}.`;

/** True for an existing date 'YYYY-MM-DD' (no 2025-02-30) between EARLIEST_DATE and LATEST_DATE. */
export function isCalendarDate(s: string): boolean {
  if (!DATE_SHAPE.test(s) || s < EARLIEST_DATE || s > LATEST_DATE) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** A calendar date 'YYYY-MM-DD' that exists, between EARLIEST_DATE and LATEST_DATE. */
export const calendarDateSchema = z
  .string()
  .max(10, 'Use a date like 2025-12-24.')
  .regex(DATE_SHAPE, 'Use a date like 2025-12-24.')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'This date does not exist.')
  .refine((s) => s >= EARLIEST_DATE && s <= LATEST_DATE, outOfRange);

/** An ISO 8601 date-time with a time zone (Z or ±HH:MM), between EARLIEST_DATE and LATEST_DATE. */
export const instantSchema = z.iso
  .datetime({ offset: true, message: 'Use an ISO 8601 date-time with a time zone, like 2025-07-01T09:00:00Z.' })
  .max(40)
  .refine((s) => {
    const t = Date.parse(s);
    return t >= EARLIEST_MS && t < LATEST_MS;
  }, outOfRange);

/** Whole days from `a` to `b`, two calendar dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * `from`/`to` of a date range (both optional), with `to` not before `from` and the two at most
 * `maxDays` days apart (both included). Ranges are how a request asks for work in proportion to time
 * (availability, bookings, earnings): the cap is what bounds that work.
 */
export function dateRangeProblem(from: string | undefined, to: string | undefined, maxDays: number): { path: string[]; message: string } | null {
  if (from === undefined || to === undefined || !isCalendarDate(from) || !isCalendarDate(to)) return null;
  const days = daysBetween(from, to);
  if (days < 0) return { path: ['to'], message: "'to' cannot be before 'from'." };
  if (days + 1 > maxDays) return { path: ['to'], message: `Ask for at most ${maxDays} days at once.` };
  return null;
}
