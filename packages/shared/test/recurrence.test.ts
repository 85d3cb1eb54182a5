import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type * as db from '../src/db/bookings.js';
import {
  MAX_SERIES_OCCURRENCES,
  cancelSeriesBodySchema,
  createSeriesBodySchema,
  describeRule,
  expandWeeklyRule,
  seriesRuleProblem,
  toRRule,
  weeklyRuleSchema,
  type WeeklyRule,
} from '../src/recurrence.js';

const ID = '6f1c1b8e-2d2a-4c1e-9a0b-1d2e3f4a5b6c';
const MON = 1;
const WED = 3;
const THU = 4;
const FRI = 5;
const SAT = 6;
const SUN = 0;

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => r.error?.issues.map((i) => i.path.join('.'));

describe('expandWeeklyRule', () => {
  it.each<[string, WeeklyRule, string, string[]]>([
    ['every week, first date included', { byDay: [MON, WED], interval: 1, count: 4 }, '2025-01-01', ['2025-01-01', '2025-01-06', '2025-01-08', '2025-01-13']],
    [
      'every 2 weeks counted from the first date’s week',
      { byDay: [WED, MON], interval: 2, count: 6 },
      '2025-01-01',
      ['2025-01-01', '2025-01-13', '2025-01-15', '2025-01-27', '2025-01-29', '2025-02-10'],
    ],
    // Week 0 (Mon 30 Dec) has no Monday on or after Thu 2 Jan, so the first Monday is in week 2.
    ['a first date not in byDay does not count', { byDay: [MON], interval: 2, count: 3 }, '2025-01-02', ['2025-01-13', '2025-01-27', '2025-02-10']],
    // With WKST=MO the Sunday closes the first date's week; with WKST=SU it would be 29 Dec (skipped), then 12 Jan.
    ['Sunday ends the week (WKST=MO)', { byDay: [SUN], interval: 2, count: 3 }, '2025-01-01', ['2025-01-05', '2025-01-19', '2025-02-02']],
    ['until is inclusive', { byDay: [FRI], interval: 1, until: '2025-01-24' }, '2025-01-03', ['2025-01-03', '2025-01-10', '2025-01-17', '2025-01-24']],
    ['until the day before', { byDay: [FRI], interval: 1, until: '2025-01-23' }, '2025-01-03', ['2025-01-03', '2025-01-10', '2025-01-17']],
    ['across a month end', { byDay: [MON], interval: 1, until: '2025-02-10' }, '2025-01-27', ['2025-01-27', '2025-02-03', '2025-02-10']],
    ['across a year end', { byDay: [WED], interval: 1, count: 3 }, '2025-12-29', ['2025-12-31', '2026-01-07', '2026-01-14']],
    ['through a leap day', { byDay: [THU], interval: 1, count: 3 }, '2024-02-26', ['2024-02-29', '2024-03-07', '2024-03-14']],
    ['over a DST weekend (dates only)', { byDay: [SAT, SUN], interval: 1, count: 4 }, '2025-03-29', ['2025-03-29', '2025-03-30', '2025-04-05', '2025-04-06']],
    ['every 4 weeks', { byDay: [WED], interval: 4, count: 3 }, '2025-10-22', ['2025-10-22', '2025-11-19', '2025-12-17']],
    ['until before the first date', { byDay: [WED], interval: 1, until: '2024-12-31' }, '2025-01-01', []],
  ])('%s', (_, rule, first, dates) => {
    expect(expandWeeklyRule(rule, first)).toEqual(dates);
  });

  it('never gives more than 52 dates', () => {
    const dates = expandWeeklyRule({ byDay: [0, 1, 2, 3, 4, 5, 6], interval: 1, until: '2025-06-30' }, '2025-01-01');
    expect(dates).toHaveLength(MAX_SERIES_OCCURRENCES);
    expect(dates.at(-1)).toBe('2025-02-21');
  });

  it('holds its rules for many random rules', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let n = 0; n < 2000; n++) {
      const byDay = [...new Set(Array.from({ length: 1 + rnd(7) }, () => rnd(7)))];
      const interval = 1 + rnd(4);
      const first = new Date(Date.UTC(2024, 0, 1) + rnd(800) * 86_400_000).toISOString().slice(0, 10);
      const rule: WeeklyRule = rnd(2)
        ? { byDay, interval, count: 1 + rnd(52) }
        : { byDay, interval, until: new Date(Date.parse(first) + rnd(181) * 86_400_000).toISOString().slice(0, 10) };
      const dates = expandWeeklyRule(rule, first);
      const monday = (d: string) => Date.parse(d) / 86_400_000 - ((new Date(d).getUTCDay() + 6) % 7);
      const broken = dates.filter(
        (d, i) =>
          !byDay.includes(new Date(d).getUTCDay()) ||
          d < first ||
          (rule.until != null && d > rule.until) ||
          (i > 0 && d <= dates[i - 1]!) ||
          (monday(d) - monday(first)) % (7 * interval) !== 0,
      );
      expect(broken, JSON.stringify({ rule, first })).toEqual([]);
      if (rule.count != null) expect(dates).toHaveLength(rule.count);
      // Nothing skipped: the first used week that has no date after the last one is past the end.
      if (rule.until != null && dates.length < MAX_SERIES_OCCURRENCES) {
        const next = expandWeeklyRule({ ...rule, until: null, count: dates.length + 1 }, first).at(-1)!;
        expect(next > rule.until, JSON.stringify({ rule, first })).toBe(true);
      }
    }
  });

  it('throws RangeError on a broken rule or date', () => {
    expect(() => expandWeeklyRule({ byDay: [], interval: 1, count: 2 }, '2025-01-01')).toThrow(RangeError);
    expect(() => expandWeeklyRule({ byDay: [7], interval: 1, count: 2 }, '2025-01-01')).toThrow(RangeError);
    expect(() => expandWeeklyRule({ byDay: [1], interval: 5, count: 2 }, '2025-01-01')).toThrow(RangeError);
    expect(() => expandWeeklyRule({ byDay: [1], interval: 1 }, '2025-01-01')).toThrow(RangeError);
    expect(() => expandWeeklyRule({ byDay: [1], interval: 1, count: 2, until: '2025-02-01' }, '2025-01-01')).toThrow(RangeError);
    expect(() => expandWeeklyRule({ byDay: [1], interval: 1, count: 53 }, '2025-01-01')).toThrow(RangeError);
    expect(() => expandWeeklyRule({ byDay: [1], interval: 1, count: 2 }, '2025-02-30')).toThrow(RangeError);
  });
});

it('the rule type is the table column type', () => {
  expectTypeOf<WeeklyRule>().toEqualTypeOf<db.WeeklyRule>();
  expectTypeOf<z.output<typeof weeklyRuleSchema>>().toExtend<db.WeeklyRule>();
});

describe('toRRule and describeRule', () => {
  it.each<[WeeklyRule, string, string]>([
    [{ byDay: [WED, MON], interval: 2, count: 6 }, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6', 'Every 2 weeks on Mon, Wed, 6 times'],
    [{ byDay: [SUN, SAT], interval: 1, until: '2025-03-31' }, 'FREQ=WEEKLY;INTERVAL=1;BYDAY=SA,SU;UNTIL=20250331', 'Every week on Sat, Sun, until 31 Mar 2025'],
    [{ byDay: [FRI], interval: 4, count: 1, until: null }, 'FREQ=WEEKLY;INTERVAL=4;BYDAY=FR;COUNT=1', 'Every 4 weeks on Fri, once'],
  ])('%j → %s', (rule, rrule, text) => {
    expect(toRRule(rule)).toBe(rrule);
    expect(describeRule(rule)).toBe(text);
  });
});

describe('weeklyRuleSchema', () => {
  it('sorts the weekdays and defaults the interval to 1', () => {
    expect(weeklyRuleSchema.parse({ byDay: [5, 1], count: 3 })).toEqual({ byDay: [1, 5], interval: 1, count: 3 });
  });
  it.each([
    ['no weekday', { byDay: [], count: 3 }, ['byDay']],
    ['a repeated weekday', { byDay: [1, 1], count: 3 }, ['byDay']],
    ['weekday 7', { byDay: [7], count: 3 }, ['byDay.0']],
    ['interval 5', { byDay: [1], interval: 5, count: 3 }, ['interval']],
    ['interval 0', { byDay: [1], interval: 0, count: 3 }, ['interval']],
    ['count 53', { byDay: [1], count: 53 }, ['count']],
    ['count 0', { byDay: [1], count: 0 }, ['count']],
    ['neither until nor count', { byDay: [1] }, ['count']],
    ['both until and count', { byDay: [1], count: 3, until: '2025-03-01' }, ['count']],
    ['a date that does not exist', { byDay: [1], until: '2025-02-29' }, ['until']],
  ])('refuses %s', (_, rule, expected) => {
    expect(paths(weeklyRuleSchema.safeParse(rule))).toEqual(expected);
  });
});

describe('seriesRuleProblem', () => {
  it('allows until up to 180 days after the first date', () => {
    expect(seriesRuleProblem({ byDay: [MON], interval: 1, until: '2025-06-30' }, '2025-01-01')).toBeNull(); // 180 days
    expect(seriesRuleProblem({ byDay: [MON], interval: 1, until: '2025-07-01' }, '2025-01-01')).toEqual({
      path: ['rule', 'until'],
      message: 'A series can run at most 180 days: end it by 2025-06-30.',
    });
  });
  it('refuses an end before the start and a rule with no date', () => {
    expect(seriesRuleProblem({ byDay: [MON], interval: 1, until: '2024-12-31' }, '2025-01-01')?.path).toEqual(['rule', 'until']);
    expect(seriesRuleProblem({ byDay: [MON], interval: 1, until: '2025-01-05' }, '2025-01-01')?.path).toEqual(['rule', 'byDay']);
    expect(seriesRuleProblem({ byDay: [MON], interval: 1, count: 52 }, '2025-01-01')).toBeNull();
  });
});

describe('series bodies', () => {
  const body = {
    serviceId: ID,
    petIds: [ID],
    startsAt: '2025-07-01T09:00:00Z',
    location: { kind: 'owner_home', lat: 52.5, lng: 13.4 },
    rule: { byDay: [2], count: 4 },
  };
  it('take a slot booking with a rule', () => {
    expect(createSeriesBodySchema.parse(body).rule).toEqual({ byDay: [2], interval: 1, count: 4 });
  });
  it('need startsAt and a valid rule, and drop dates', () => {
    expect(paths(createSeriesBodySchema.safeParse({ ...body, startsAt: undefined }))).toEqual(['startsAt']);
    expect(paths(createSeriesBodySchema.safeParse({ ...body, rule: { byDay: [2] } }))).toEqual(['rule.count']);
    expect(createSeriesBodySchema.parse({ ...body, startDate: '2025-07-01' })).not.toHaveProperty('startDate');
  });
  it('cancel needs a reason and takes a from date', () => {
    expect(cancelSeriesBodySchema.parse({ reason: 'Moving', from: '2025-08-01' })).toEqual({ reason: 'Moving', from: '2025-08-01' });
    expect(paths(cancelSeriesBodySchema.safeParse({ reason: '', from: '2025-13-01' }))).toEqual(['reason', 'from']);
  });
});
