import { describe, expect, it } from 'vitest';
import { dayStatuses } from '../../src/modules/availability/days.js';
import { firstInstantAt, localDateOf, parseClock, startOfLocalDate, wallOfDate, zoneOf } from '../../src/modules/availability/local-time.js';
import { intersect, normalize, subtract } from '../../src/modules/availability/spans.js';

const wall = (isoLocal: string) => Date.parse(`${isoLocal}:00Z`);
const iso = (t: number) => new Date(t).toISOString();

describe('local time', () => {
  const berlin = zoneOf('Europe/Berlin');

  it('maps an ordinary local time to its instant', () => {
    expect(iso(firstInstantAt(berlin, wall('2026-06-02T09:30')))).toBe('2026-06-02T07:30:00.000Z');
  });

  it('maps a repeated local time to its first occurrence', () => {
    expect(iso(firstInstantAt(berlin, wall('2026-10-25T02:30')))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(firstInstantAt(zoneOf('America/New_York'), wall('2026-11-01T01:30')))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('maps a skipped local time to the moment the clock jumps over it', () => {
    expect(iso(firstInstantAt(berlin, wall('2026-03-29T02:30')))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(firstInstantAt(zoneOf('America/New_York'), wall('2026-03-08T02:00')))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('finds the start of a local date and the local date of an instant', () => {
    expect(iso(startOfLocalDate(berlin, '2026-06-02'))).toBe('2026-06-01T22:00:00.000Z');
    expect(localDateOf(berlin, Date.parse('2026-06-01T22:00:00Z'))).toBe('2026-06-02');
    expect(localDateOf(berlin, Date.parse('2026-06-01T21:59:59Z'))).toBe('2026-06-01');
    expect(wallOfDate('2026-06-02')).toBe(Date.parse('2026-06-02T00:00:00Z'));
  });

  it('reads HH:MM clock times, 24:00 as the end of the day, and refuses the rest', () => {
    expect(parseClock('00:00')).toBe(0);
    expect(parseClock('09:45')).toBe(585);
    expect(parseClock('24:00')).toBe(1440);
    for (const bad of ['24:01', '9:00', '12:60', 'noon', '']) expect(parseClock(bad)).toBeNull();
  });

  it('refuses a time zone the runtime does not know', () => {
    expect(() => zoneOf('Mars/Olympus_Mons')).toThrow(/Unknown time zone/);
  });
});

describe('spans', () => {
  it('merges, intersects and subtracts half-open spans', () => {
    expect(
      normalize([
        [5, 7],
        [1, 3],
        [3, 4],
        [9, 9],
      ]),
    ).toEqual([
      [1, 4],
      [5, 7],
    ]);
    expect(
      intersect(
        [
          [0, 10],
          [20, 30],
        ],
        [[5, 25]],
      ),
    ).toEqual([
      [5, 10],
      [20, 25],
    ]);
    expect(
      subtract(
        [
          [0, 10],
          [20, 30],
        ],
        [
          [2, 3],
          [8, 22],
          [29, 40],
        ],
      ),
    ).toEqual([
      [0, 2],
      [3, 8],
      [22, 29],
    ]);
    expect(subtract([[0, 10]], [])).toEqual([[0, 10]]);
  });
});

describe('day availability', () => {
  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '18:00' }));
  const rules = { operatingHours: weekdays, closedDates: ['2026-06-03'], dailyCapacity: 5 };

  it('counts the pets of the bookings occupying each date, check-out day excluded', () => {
    const days = dayStatuses(rules, 'night', '2026-06-01', '2026-06-06', [
      { startDate: '2026-06-01', endDate: '2026-06-03', petCount: 2 },
      { startDate: '2026-06-02', endDate: '2026-06-04', petCount: 1 },
      { startDate: '2026-05-20', endDate: '2026-06-01', petCount: 4 },
    ]);
    expect(days.map((d) => [d.date, d.remaining])).toEqual([
      ['2026-06-01', 3],
      ['2026-06-02', 2],
      ['2026-06-03', 4],
      ['2026-06-04', 5],
      ['2026-06-05', 5],
    ]);
  });

  it('never goes below zero when the capacity was lowered after bookings', () => {
    expect(
      dayStatuses({ ...rules, dailyCapacity: 1 }, 'day', '2026-06-01', '2026-06-02', [{ startDate: '2026-06-01', endDate: '2026-06-02', petCount: 3 }]),
    ).toEqual([{ date: '2026-06-01', open: true, remaining: 0 }]);
  });

  it('closes closed dates; daycare also the weekdays without hours, boarding not', () => {
    // 2026-06-05 is a Friday, 06 a Saturday, 07 a Sunday.
    const open = (unit: 'night' | 'day') => dayStatuses(rules, unit, '2026-06-02', '2026-06-08', []).map((d) => [d.date, d.open]);
    expect(open('day')).toEqual([
      ['2026-06-02', true],
      ['2026-06-03', false],
      ['2026-06-04', true],
      ['2026-06-05', true],
      ['2026-06-06', false],
      ['2026-06-07', false],
    ]);
    expect(open('night')).toEqual([
      ['2026-06-02', true],
      ['2026-06-03', false],
      ['2026-06-04', true],
      ['2026-06-05', true],
      ['2026-06-06', true],
      ['2026-06-07', true],
    ]);
  });

  it('is empty for an empty range', () => {
    expect(dayStatuses(rules, 'day', '2026-06-02', '2026-06-02', [])).toEqual([]);
  });
});
