import { describe, expect, it } from 'vitest';
import { calendarDateSchema, dateRangeProblem, EARLIEST_DATE, inputProblem, instantSchema, LATEST_DATE, MAX_INPUT_DEPTH, textProblem } from '../src/input.js';
import { availabilityQuerySchema, AVAILABILITY_MAX_DAYS, listBookingsQuerySchema, MAX_BOOKING_LIST_DAYS } from '../src/bookings.js';
import { earningsQuerySchema, MAX_EARNINGS_DAYS } from '../src/payments.js';

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('text', () => {
  it('accepts ordinary text, tabs and line breaks, emoji and other scripts', () => {
    for (const ok of ['Biscuit', 'Line one\nline two\r\n\tindented', 'Ñandú 🐕‍🦺 犬', '', '\u00a0non-breaking', 'زبدة']) expect(textProblem(ok), ok).toBeNull();
  });
  it('refuses NUL, the other C0 and C1 controls, DEL and lone surrogates', () => {
    for (const bad of ['a\u0000b', '\u0001', 'esc\u001b[31m', '\u000b', '\u000c', 'del\u007f', '\u0085', '\u009f', '\ud800', 'x\udfff', '\udc00\ud800'])
      expect(textProblem(bad), JSON.stringify(bad)).not.toBeNull();
  });
  it('finds the first bad string or key anywhere in a request, with its path', () => {
    expect(inputProblem({ name: 'Biscuit', notes: ['fine', { vet: 'Dr \u0000' }] })).toEqual({
      path: ['notes', '1', 'vet'],
      message: 'Remove the control characters from this text.',
      code: 'invalid_text',
    });
    expect(inputProblem({ ['bad\u0000key']: 1 })?.path).toEqual(['bad?key']);
    expect(inputProblem({ a: 1, b: [true, null, 2.5], c: { d: 'ok' } })).toBeNull();
    expect(inputProblem('\ud800')?.code).toBe('invalid_text');
  });
  it('refuses nesting one level deeper than the limit, and walks a deep document without recursion', () => {
    const nest = (levels: number) => {
      let v: unknown = 'leaf';
      for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v];
      return v;
    };
    expect(inputProblem(nest(MAX_INPUT_DEPTH))).toBeNull();
    expect(inputProblem(nest(MAX_INPUT_DEPTH + 1))?.code).toBe('too_deep');
    // A hostile document (the body limit allows ~500,000 levels) stops at the limit instead of overflowing the stack.
    expect(inputProblem(nest(200_000))?.code).toBe('too_deep');
  });
});

describe('dates and instants', () => {
  it('accepts the first and last date of the range and refuses one day beyond either end', () => {
    expect(calendarDateSchema.safeParse(EARLIEST_DATE).success).toBe(true);
    expect(calendarDateSchema.safeParse(LATEST_DATE).success).toBe(true);
    expect(calendarDateSchema.safeParse(addDays(EARLIEST_DATE, -1)).success).toBe(false);
    expect(calendarDateSchema.safeParse(addDays(LATEST_DATE, 1)).success).toBe(false);
  });
  it('refuses year 0, year 10000 and dates that do not exist', () => {
    for (const bad of ['0000-01-01', '0001-01-01', '9999-12-31', '10000-01-01', '+010000-01-01', '2025-02-29', '2025-13-01', '2025-1-01', ''])
      expect(calendarDateSchema.safeParse(bad).success, bad).toBe(false);
    expect(calendarDateSchema.safeParse('2024-02-29').success).toBe(true);
  });
  it('bounds instants to the same range, in any offset', () => {
    expect(instantSchema.safeParse(`${EARLIEST_DATE}T00:00:00Z`).success).toBe(true);
    expect(instantSchema.safeParse(`${EARLIEST_DATE}T00:00:00+01:00`).success).toBe(false);
    expect(instantSchema.safeParse(`${LATEST_DATE}T23:59:59-12:00`).success).toBe(true);
    for (const bad of [
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '+010000-01-01T00:00:00Z',
      '2025-07-01T09:00:00+99:00',
      '2025-07-01T09:00:00',
      '2025-02-30T00:00:00Z',
    ])
      expect(instantSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('date ranges: the largest accepted range is refused one day further', () => {
  const from = '2030-01-01';
  it('dateRangeProblem', () => {
    expect(dateRangeProblem(from, addDays(from, 9), 10)).toBeNull();
    expect(dateRangeProblem(from, addDays(from, 10), 10)?.message).toBe('Ask for at most 10 days at once.');
    expect(dateRangeProblem(from, addDays(from, -1), 10)?.message).toBe("'to' cannot be before 'from'.");
  });
  it('availability: at most AVAILABILITY_MAX_DAYS days', () => {
    expect(availabilityQuerySchema.safeParse({ from, to: addDays(from, AVAILABILITY_MAX_DAYS - 1) }).success).toBe(true);
    expect(availabilityQuerySchema.safeParse({ from, to: addDays(from, AVAILABILITY_MAX_DAYS) }).success).toBe(false);
    // The probe's request: two days, but at the end of year 9999.
    expect(availabilityQuerySchema.safeParse({ from: '9999-12-30', to: '9999-12-31' }).success).toBe(false);
  });
  it('earnings: at most MAX_EARNINGS_DAYS days', () => {
    expect(earningsQuerySchema.safeParse({ from, to: addDays(from, MAX_EARNINGS_DAYS - 1) }).success).toBe(true);
    expect(earningsQuerySchema.safeParse({ from, to: addDays(from, MAX_EARNINGS_DAYS) }).success).toBe(false);
  });
  it('bookings list: at most MAX_BOOKING_LIST_DAYS days, as dates or as instants', () => {
    const ok = (q: Record<string, string>) => listBookingsQuerySchema.safeParse(q).success;
    expect(ok({ from, to: addDays(from, MAX_BOOKING_LIST_DAYS - 1) })).toBe(true);
    expect(ok({ from, to: addDays(from, MAX_BOOKING_LIST_DAYS) })).toBe(false);
    const start = `${from}T00:00:00Z`;
    expect(ok({ from: start, to: `${addDays(from, MAX_BOOKING_LIST_DAYS)}T00:00:00Z` })).toBe(true);
    expect(ok({ from: start, to: `${addDays(from, MAX_BOOKING_LIST_DAYS)}T00:00:01Z` })).toBe(false);
    expect(ok({ from })).toBe(true);
  });
});
