import { describe, expect, it } from 'vitest';
import { slotOffered, workersOffering, workerSlots, type BusinessRules, type WorkerCalendar } from '../../src/modules/availability/slots.js';
import { addDays, localDateOf, startOfLocalDate, zoneOf } from '../../src/modules/availability/local-time.js';

/*
 * Booking creation asks `workersOffering` (and `slotOffered`) whether one instant is a slot instead of
 * listing whole days with `workerSlots`. They must agree on every instant, above all where the local
 * clock jumps: each case below is checked on every quarter hour (and 5 minutes past it, which is never
 * a slot) from two hours before its date to two hours after it.
 */

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const hours = (open: string, close: string) => EVERY_DAY.map((day) => ({ day, open, close }));
const windows = (...spans: [string, string][]) => EVERY_DAY.flatMap((day) => spans.map(([start, end]) => ({ day, start, end })));
const MINUTE = 60_000;

type Case = { name: string; date: string; business: BusinessRules; workers: WorkerCalendar[]; durationMinutes: number; now: Date };

function worker(id: string, over: Partial<WorkerCalendar> = {}): WorkerCalendar {
  return { id, status: 'active', weeklyAvailability: windows(['00:00', '24:00']), timeOff: [], bookings: [], ...over };
}

/** The same team in every case: free all day, a short shift, booked and on time off around the date, removed, split shifts. */
function team(timeZone: string, date: string): WorkerCalendar[] {
  const zone = zoneOf(timeZone);
  const start = startOfLocalDate(zone, date);
  const at = (minutes: number) => new Date(start + minutes * MINUTE);
  return [
    worker('all-day'),
    worker('short', { weeklyAvailability: windows(['09:00', '12:00'], ['12:00', '15:00']) }),
    worker('booked', {
      bookings: [
        { startsAt: at(60), blockedUntil: at(150) },
        { startsAt: at(600), blockedUntil: at(675) },
      ],
    }),
    worker('off', {
      timeOff: [
        { startsAt: at(-120), endsAt: at(200) },
        { startsAt: at(1300), endsAt: at(1600) },
      ],
    }),
    worker('removed', { status: 'removed' }),
    worker('split', { weeklyAvailability: windows(['01:30', '03:15'], ['16:00', '18:00']) }),
  ];
}

function cases(): Case[] {
  const long = new Date('2020-01-01T00:00:00Z');
  const out: Case[] = [];
  const zones: [string, string[]][] = [
    ['Europe/Berlin', ['2026-03-29', '2026-10-25', '2026-06-02']],
    ['America/New_York', ['2026-03-08', '2026-11-01']],
    // Daylight saving of 30 minutes.
    ['Australia/Lord_Howe', ['2026-04-05', '2026-10-04']],
    ['Asia/Kathmandu', ['2026-06-02']],
    ['Pacific/Chatham', ['2026-04-05', '2026-09-27']],
  ];
  const rules: [string, Omit<BusinessRules, 'timeZone'>][] = [
    ['around the clock', { operatingHours: hours('00:00', '00:00'), closedDates: [], travelBufferMinutes: 15 }],
    ['day hours', { operatingHours: hours('07:00', '20:00'), closedDates: [], travelBufferMinutes: 0 }],
    ['overnight hours', { operatingHours: hours('22:00', '03:00'), closedDates: [], travelBufferMinutes: 30 }],
    ['to midnight', { operatingHours: hours('01:00', '24:00'), closedDates: [], travelBufferMinutes: 15 }],
  ];
  for (const [timeZone, dates] of zones)
    for (const date of dates)
      for (const [rulesName, rule] of rules)
        for (const durationMinutes of [30, 135]) {
          const business = { timeZone, ...rule };
          out.push({
            name: `${timeZone} ${date}, ${rulesName}, ${durationMinutes} min`,
            date,
            business,
            workers: team(timeZone, date),
            durationMinutes,
            now: long,
          });
        }
  // Closed dates on either side, and a now in the middle of the day.
  for (const closed of [['2026-10-24'], ['2026-10-25'], ['2026-10-26']])
    out.push({
      name: `Europe/Berlin closed ${closed[0]}`,
      date: '2026-10-25',
      business: { timeZone: 'Europe/Berlin', operatingHours: hours('20:00', '04:00'), closedDates: closed, travelBufferMinutes: 15 },
      workers: team('Europe/Berlin', '2026-10-25'),
      durationMinutes: 60,
      now: long,
    });
  out.push({
    name: 'Europe/Berlin, now at 13:07',
    date: '2026-06-02',
    business: { timeZone: 'Europe/Berlin', operatingHours: hours('07:00', '20:00'), closedDates: [], travelBufferMinutes: 15 },
    workers: team('Europe/Berlin', '2026-06-02'),
    durationMinutes: 60,
    now: new Date('2026-06-02T11:07:00Z'),
  });
  return out;
}

describe('workersOffering and slotOffered agree with workerSlots on every instant', () => {
  for (const c of cases())
    it(c.name, () => {
      const zone = zoneOf(c.business.timeZone);
      const from = startOfLocalDate(zone, c.date) - 120 * MINUTE;
      const to = startOfLocalDate(zone, addDays(c.date, 1)) + 120 * MINUTE;
      const days = new Map<string, Map<string, Set<number>>>();
      const slotsOn = (date: string) => {
        let byWorker = days.get(date);
        if (!byWorker) {
          byWorker = new Map(
            c.workers.map((w) => [
              w.id,
              new Set(
                workerSlots({ business: c.business, worker: w, from: date, to: date, durationMinutes: c.durationMinutes, now: c.now }).map((s) =>
                  s.startsAt.getTime(),
                ),
              ),
            ]),
          );
          days.set(date, byWorker);
        }
        return byWorker;
      };
      let offered = 0;
      const mismatches: string[] = [];
      for (let t = from; t < to; t += 15 * MINUTE) {
        const between = new Date(t + 5 * MINUTE);
        if (workersOffering({ business: c.business, workers: c.workers, startsAt: between, durationMinutes: c.durationMinutes, now: c.now }).length)
          mismatches.push(`${between.toISOString()} is not on a boundary`);
        const byWorker = slotsOn(localDateOf(zone, t));
        const expected = c.workers.filter((w) => byWorker.get(w.id)!.has(t)).map((w) => w.id);
        const startsAt = new Date(t);
        const got = workersOffering({ business: c.business, workers: c.workers, startsAt, durationMinutes: c.durationMinutes, now: c.now }).map((w) => w.id);
        const single = c.workers.filter((w) => slotOffered({ business: c.business, worker: w, startsAt, durationMinutes: c.durationMinutes, now: c.now }));
        if (JSON.stringify(got) !== JSON.stringify(expected) || JSON.stringify(single.map((w) => w.id)) !== JSON.stringify(expected))
          mismatches.push(`${startsAt.toISOString()}: expected [${expected}], workersOffering [${got}], slotOffered [${single.map((w) => w.id)}]`);
        offered += expected.length;
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      // The case offers something, or it would prove nothing.
      expect(offered).toBeGreaterThan(0);
    });
});
