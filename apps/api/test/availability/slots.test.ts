import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { byDayLoad, performersOf, slotOffered, workerSlots, type BusinessRules, type WorkerCalendar } from '../../src/modules/availability/slots.js';

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const hours = (open: string, close: string, days = EVERY_DAY) => days.map((day) => ({ day, open, close }));
const windows = (start: string, end: string, days = EVERY_DAY) => days.map((day) => ({ day, start, end }));

const rules = (over: Partial<BusinessRules> = {}): BusinessRules => ({
  timeZone: 'Europe/Berlin',
  operatingHours: hours('07:00', '20:00'),
  closedDates: [],
  travelBufferMinutes: 15,
  ...over,
});
const worker = (over: Partial<WorkerCalendar> = {}): WorkerCalendar => ({
  id: 'w1',
  status: 'active',
  weeklyAvailability: windows('07:00', '20:00'),
  timeOff: [],
  bookings: [],
  ...over,
});
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

/** Slots of one local date. */
function slotsOn(date: string, opts: { business?: BusinessRules; worker?: WorkerCalendar; duration?: number; now?: Date } = {}) {
  return workerSlots({
    business: opts.business ?? rules(),
    worker: opts.worker ?? worker(),
    from: date,
    to: date,
    durationMinutes: opts.duration ?? 60,
    now: opts.now ?? LONG_AGO,
  });
}
const utc = (slots: { startsAt: Date }[]) => slots.map((s) => s.startsAt.toISOString());
/** Local "HH:MM" of each slot start in the zone. */
const local = (slots: { startsAt: Date }[], zone = 'Europe/Berlin') => slots.map((s) => DateTime.fromJSDate(s.startsAt, { zone }).toFormat('HH:mm'));
/** An instant from a local wall time that is not ambiguous. */
const at = (isoLocal: string, zone = 'Europe/Berlin') => DateTime.fromISO(isoLocal, { zone }).toJSDate();

describe('slots on an ordinary day', () => {
  it('steps by 15 minutes from open until the last slot that ends by close, in UTC', () => {
    const slots = slotsOn('2026-06-02');
    expect(slots).toHaveLength(49); // 07:00 … 19:00
    expect(slots[0]).toEqual({ startsAt: new Date('2026-06-02T05:00:00Z'), endsAt: new Date('2026-06-02T06:00:00Z') });
    expect(slots.at(-1)).toEqual({ startsAt: new Date('2026-06-02T17:00:00Z'), endsAt: new Date('2026-06-02T18:00:00Z') });
    expect(local(slots).slice(0, 3)).toEqual(['07:00', '07:15', '07:30']);
  });

  it('gives every date of a range, each in its own offset', () => {
    const slots = workerSlots({ business: rules(), worker: worker(), from: '2026-03-28', to: '2026-03-30', durationMinutes: 60, now: LONG_AGO });
    const first = (date: string) => utc(slots).find((s) => DateTime.fromISO(s, { zone: 'Europe/Berlin' }).toISODate() === date);
    expect(first('2026-03-28')).toBe('2026-03-28T06:00:00.000Z'); // 07:00 CET
    expect(first('2026-03-29')).toBe('2026-03-29T05:00:00.000Z'); // 07:00 CEST
    expect(slots).toHaveLength(3 * 49);
  });

  it('takes the duration of the service', () => {
    const slots = slotsOn('2026-06-02', { duration: 120 });
    expect(local(slots).at(-1)).toBe('18:00');
    expect(slots[0]!.endsAt.getTime() - slots[0]!.startsAt.getTime()).toBe(120 * 60_000);
  });

  it('computes in the business time zone, also one with a 45-minute offset', () => {
    const slots = slotsOn('2026-06-02', { business: rules({ timeZone: 'Asia/Kathmandu', operatingHours: hours('09:00', '10:00') }), duration: 15 });
    expect(utc(slots)).toEqual(['2026-06-02T03:15:00.000Z', '2026-06-02T03:30:00.000Z', '2026-06-02T03:45:00.000Z', '2026-06-02T04:00:00.000Z']);
  });
});

describe('daylight saving time', () => {
  const night = (zone: string) => ({ business: rules({ timeZone: zone, operatingHours: hours('00:00', '23:59') }), duration: 15 });

  it('Europe/Berlin spring forward (2026-03-29): no slot in the missing hour 02:00–03:00', () => {
    const opts = { ...night('Europe/Berlin'), worker: worker({ weeklyAvailability: windows('01:00', '05:00') }) };
    const slots = slotsOn('2026-03-29', opts);
    expect(local(slots)).toEqual(['01:00', '01:15', '01:30', '01:45', '03:00', '03:15', '03:30', '03:45', '04:00', '04:15', '04:30', '04:45']);
    expect(utc(slots).slice(2, 6)).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T00:45:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:15:00.000Z']);
    // An hour-long slot from 01:30 runs over the jump: one real hour, ending at 03:30 local.
    const hourLong = slotsOn('2026-03-29', { ...opts, duration: 60 });
    const fromHalfPastOne = hourLong.find((s) => s.startsAt.toISOString() === '2026-03-29T00:30:00.000Z')!;
    expect(fromHalfPastOne.endsAt.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(DateTime.fromJSDate(fromHalfPastOne.endsAt, { zone: 'Europe/Berlin' }).toFormat('HH:mm')).toBe('03:30');
  });

  it('Europe/Berlin spring forward: a window opening inside the gap opens when the clock jumps to 03:00', () => {
    const slots = slotsOn('2026-03-29', { ...night('Europe/Berlin'), worker: worker({ weeklyAvailability: windows('02:30', '04:00') }) });
    expect(utc(slots)[0]).toBe('2026-03-29T01:00:00.000Z');
    expect(local(slots)).toEqual(['03:00', '03:15', '03:30', '03:45']);
  });

  it('Europe/Berlin fall back (2026-10-25): the repeated hour 02:00–03:00 has its slots twice, at distinct instants', () => {
    const slots = slotsOn('2026-10-25', { ...night('Europe/Berlin'), worker: worker({ weeklyAvailability: windows('01:00', '04:00') }) });
    expect(slots).toHaveLength(16); // four real hours
    expect(local(slots)).toEqual([
      ...['01:00', '01:15', '01:30', '01:45'],
      ...['02:00', '02:15', '02:30', '02:45'],
      ...['02:00', '02:15', '02:30', '02:45'],
      ...['03:00', '03:15', '03:30', '03:45'],
    ]);
    const twoOClock = slots.filter((s) => DateTime.fromJSDate(s.startsAt, { zone: 'Europe/Berlin' }).toFormat('HH:mm') === '02:00');
    expect(utc(twoOClock)).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    expect(new Set(utc(slots)).size).toBe(16);
  });

  it('America/New_York spring forward (2026-03-08): no slot in the missing hour 02:00–03:00', () => {
    const slots = slotsOn('2026-03-08', { ...night('America/New_York'), worker: worker({ weeklyAvailability: windows('01:00', '04:00') }) });
    expect(local(slots, 'America/New_York')).toEqual(['01:00', '01:15', '01:30', '01:45', '03:00', '03:15', '03:30', '03:45']);
    expect(utc(slots)).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T06:15:00.000Z',
      '2026-03-08T06:30:00.000Z',
      '2026-03-08T06:45:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:15:00.000Z',
      '2026-03-08T07:30:00.000Z',
      '2026-03-08T07:45:00.000Z',
    ]);
  });

  it('America/New_York fall back (2026-11-01): the repeated hour 01:00–02:00 has its slots twice', () => {
    const slots = slotsOn('2026-11-01', { ...night('America/New_York'), worker: worker({ weeklyAvailability: windows('00:00', '03:00') }) });
    expect(slots).toHaveLength(16);
    const oneOClock = slots.filter((s) => DateTime.fromJSDate(s.startsAt, { zone: 'America/New_York' }).toFormat('HH:mm') === '01:00');
    expect(utc(oneOClock)).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z']);
    expect(utc(slots)[0]).toBe('2026-11-01T04:00:00.000Z');
    expect(utc(slots).at(-1)).toBe('2026-11-01T07:45:00.000Z');
  });

  it('a whole fall-back day has 25 hours of slots and a spring-forward day 23', () => {
    const allDay = {
      business: rules({ operatingHours: hours('00:00', '24:00') }),
      worker: worker({ weeklyAvailability: windows('00:00', '24:00') }),
      duration: 15,
    };
    expect(slotsOn('2026-10-25', allDay)).toHaveLength(25 * 4);
    expect(slotsOn('2026-03-29', allDay)).toHaveLength(23 * 4);
    expect(slotsOn('2026-06-02', allDay)).toHaveLength(24 * 4);
  });
});

describe('the rules', () => {
  it('offers only where operating hours and a weekly window overlap', () => {
    const slots = slotsOn('2026-06-02', {
      business: rules({ operatingHours: hours('08:00', '18:00') }),
      worker: worker({ weeklyAvailability: [...windows('07:00', '12:00'), ...windows('14:00', '20:00')] }),
    });
    expect(local(slots)).toEqual([
      ...['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00'],
      ...['14:00', '14:15', '14:30', '14:45', '15:00', '15:15', '15:30', '15:45', '16:00', '16:15', '16:30', '16:45', '17:00'],
    ]);
  });

  it('joins windows that touch, so a slot may run from one into the next', () => {
    const slots = slotsOn('2026-06-02', { worker: worker({ weeklyAvailability: [...windows('09:00', '12:00'), ...windows('12:00', '13:00')] }) });
    expect(local(slots)).toContain('11:30');
    expect(local(slots).at(-1)).toBe('12:00');
  });

  it('uses the windows of the weekday only (0 = Sunday)', () => {
    const mondays = { business: rules({ operatingHours: hours('07:00', '20:00', [1]) }) };
    expect(slotsOn('2026-06-01', mondays)).toHaveLength(49); // a Monday
    expect(slotsOn('2026-06-02', mondays)).toEqual([]);
    const sundayWorker = { worker: worker({ weeklyAvailability: windows('07:00', '20:00', [0]) }) };
    expect(slotsOn('2026-06-07', sundayWorker)).toHaveLength(49); // a Sunday
    expect(slotsOn('2026-06-06', sundayWorker)).toEqual([]);
  });

  it('has no slots on a closed date', () => {
    const business = rules({ closedDates: ['2026-06-02'] });
    expect(slotsOn('2026-06-02', { business })).toEqual([]);
    expect(slotsOn('2026-06-03', { business })).toHaveLength(49);
  });

  it('reads a close of 24:00 as midnight and a close before the open as running past midnight; a closed date cuts that night', () => {
    const allNight = { business: rules({ operatingHours: hours('22:00', '02:00') }), worker: worker({ weeklyAvailability: windows('20:00', '24:00') }) };
    // Only before midnight: the worker's window ends at 24:00 (and the next day's starts at 20:00).
    expect(local(slotsOn('2026-06-02', allNight))).toEqual(['22:00', '22:15', '22:30', '22:45', '23:00']);
    const overnightWorker = { ...allNight, worker: worker({ weeklyAvailability: windows('21:00', '03:00') }) };
    const slots = workerSlots({ ...overnightWorker, from: '2026-06-02', to: '2026-06-03', durationMinutes: 60, now: LONG_AGO });
    expect(local(slots.slice(0, 13))).toEqual([
      '00:00',
      '00:15',
      '00:30',
      '00:45',
      '01:00',
      '22:00',
      '22:15',
      '22:30',
      '22:45',
      '23:00',
      '23:15',
      '23:30',
      '23:45',
    ]);
    expect(utc(slots)[0]).toBe('2026-06-01T22:00:00.000Z'); // 00:00 on the 2nd, from the window of the 1st
    expect(utc(slots)).toContain('2026-06-02T22:30:00.000Z'); // 00:30 on the 3rd, from the window of the 2nd
    const closedThird = workerSlots({
      ...overnightWorker,
      business: rules({ operatingHours: hours('22:00', '02:00'), closedDates: ['2026-06-03'] }),
      from: '2026-06-02',
      to: '2026-06-03',
      durationMinutes: 60,
      now: LONG_AGO,
    });
    expect(local(closedThird)).toEqual(['00:00', '00:15', '00:30', '00:45', '01:00', '22:00', '22:15', '22:30', '22:45', '23:00']);
  });

  it('keeps time off free', () => {
    const slots = slotsOn('2026-06-02', { worker: worker({ timeOff: [{ startsAt: at('2026-06-02T10:00'), endsAt: at('2026-06-02T12:00') }] }) });
    expect(local(slots)).toContain('09:00');
    expect(local(slots)).not.toContain('09:15');
    expect(local(slots)).not.toContain('11:45');
    expect(local(slots)).toContain('12:00');
    const allWeekOff = slotsOn('2026-06-02', { worker: worker({ timeOff: [{ startsAt: at('2026-06-01T00:00'), endsAt: at('2026-06-08T00:00') }] }) });
    expect(allWeekOff).toEqual([]);
  });

  describe('bookings and the travel buffer', () => {
    /** A booking 12:00–13:00 local holding the worker until 13:15 (its own buffer). */
    const booking = (start: string, end: string, blockedUntil: string) => ({ startsAt: at(start), blockedUntil: at(blockedUntil), endsAt: at(end) });

    it('offers a slot ending exactly a buffer before a booking, and from the end of its blocked time', () => {
      const slots = local(slotsOn('2026-06-02', { worker: worker({ bookings: [booking('2026-06-02T12:00', '2026-06-02T13:00', '2026-06-02T13:15')] }) }));
      expect(slots).toContain('10:45'); // ends 11:45 + 15 min = 12:00
      expect(slots).not.toContain('11:00');
      expect(slots).not.toContain('13:00');
      expect(slots).toContain('13:15');
      expect(slots.filter((s) => s >= '10:45' && s <= '13:15')).toEqual(['10:45', '13:15']);
    });

    it('refuses that slot when the booking starts one minute earlier', () => {
      const slots = local(slotsOn('2026-06-02', { worker: worker({ bookings: [booking('2026-06-02T11:59', '2026-06-02T12:59', '2026-06-02T13:14')] }) }));
      expect(slots).not.toContain('10:45'); // would end 11:45, + 15 min = 12:00 > 11:59
      expect(slots).toContain('10:30');
      expect(slots).toContain('13:15'); // the next boundary after 13:14
    });

    it("uses the business's current buffer before a booking", () => {
      const slots = local(
        slotsOn('2026-06-02', {
          business: rules({ travelBufferMinutes: 30 }),
          worker: worker({ bookings: [booking('2026-06-02T12:00', '2026-06-02T13:00', '2026-06-02T13:30')] }),
        }),
      );
      expect(slots).toContain('10:30');
      expect(slots).not.toContain('10:45');
      expect(slots).toContain('13:30');
      expect(slots).not.toContain('13:15');
    });
  });

  it('starts at least 60 minutes from now, on the next 15-minute boundary', () => {
    expect(local(slotsOn('2026-06-02', { now: at('2026-06-02T09:00') }))[0]).toBe('10:00');
    expect(local(slotsOn('2026-06-02', { now: at('2026-06-02T09:00:01') }))[0]).toBe('10:15');
    expect(local(slotsOn('2026-06-02', { now: at('2026-06-02T09:10') }))[0]).toBe('10:15');
    expect(slotsOn('2026-06-02', { now: at('2026-06-02T18:01') })).toEqual([]);
    expect(slotsOn('2026-06-01', { now: at('2026-06-02T09:00') })).toEqual([]);
  });

  it('gives a removed worker no slots', () => {
    expect(slotsOn('2026-06-02', { worker: worker({ status: 'removed' }) })).toEqual([]);
  });

  it('gives nothing for a range that ends before it starts', () => {
    expect(workerSlots({ business: rules(), worker: worker(), from: '2026-06-03', to: '2026-06-02', durationMinutes: 60, now: LONG_AGO })).toEqual([]);
  });
});

describe('slotOffered', () => {
  const args = { business: rules(), worker: worker(), durationMinutes: 60, now: LONG_AGO };

  it('accepts exactly the slots workerSlots offers', () => {
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T10:00') })).toBe(true);
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T19:00') })).toBe(true);
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T10:05') })).toBe(false); // not on a boundary
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T19:15') })).toBe(false); // past closing
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T06:45') })).toBe(false); // before opening
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T18:00'), durationMinutes: 180 })).toBe(false);
    expect(slotOffered({ ...args, startsAt: at('2026-06-02T10:00'), now: at('2026-06-02T09:30') })).toBe(false);
  });

  it('accepts both instants of a repeated local hour', () => {
    const night = { ...args, business: rules({ operatingHours: hours('00:00', '23:59') }), worker: worker({ weeklyAvailability: windows('00:00', '23:59') }) };
    expect(slotOffered({ ...night, startsAt: new Date('2026-10-25T00:00:00Z') })).toBe(true); // 02:00 CEST
    expect(slotOffered({ ...night, startsAt: new Date('2026-10-25T01:00:00Z') })).toBe(true); // 02:00 CET
  });
});

describe('performersOf', () => {
  const team = [
    { id: 'a', status: 'active' as const },
    { id: 'b', status: 'active' as const },
    { id: 'c', status: 'removed' as const },
  ];
  it('is every active worker when the service lists none', () => {
    expect(performersOf(team, []).map((w) => w.id)).toEqual(['a', 'b']);
  });
  it('is only the listed workers when the service lists some, never a removed one', () => {
    expect(performersOf(team, ['b']).map((w) => w.id)).toEqual(['b']);
    expect(performersOf(team, ['b', 'c']).map((w) => w.id)).toEqual(['b']);
  });
});

describe('byDayLoad', () => {
  it('orders by fewest bookings starting that local day, then id', () => {
    const bookings = [
      { workerId: 'b', startsAt: at('2026-06-02T09:00') },
      { workerId: 'a', startsAt: at('2026-06-02T10:00') },
      { workerId: 'a', startsAt: at('2026-06-02T12:00') },
      // 00:30 on the 3rd in Berlin, though still the 2nd in UTC: another day.
      { workerId: 'c', startsAt: new Date('2026-06-02T22:30:00Z') },
      { workerId: 'c', startsAt: at('2026-06-01T12:00') },
    ];
    expect(byDayLoad(['a', 'b', 'c', 'd'], bookings, 'Europe/Berlin', '2026-06-02')).toEqual(['c', 'd', 'b', 'a']);
  });
});
