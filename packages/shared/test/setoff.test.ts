import { describe, expect, it } from 'vitest';
import { setOffTimeText, startWindowText, whenCanSetOff } from '../src/setoff.js';

describe('whenCanSetOff', () => {
  const booking = { startsAt: '2030-06-04T08:00:00.000Z' };
  it('opens the window exactly startWindowMinutes before the start', () => {
    const from = new Date('2030-06-04T06:00:00.000Z');
    expect(whenCanSetOff(booking, { startWindowMinutes: 120 }, new Date(from.getTime() - 60_000))).toEqual({ allowed: false, from });
    expect(whenCanSetOff(booking, { startWindowMinutes: 120 }, from)).toEqual({ allowed: true, from });
    expect(whenCanSetOff(booking, { startWindowMinutes: 0 }, from).allowed).toBe(false);
    expect(whenCanSetOff({ startsAt: new Date(booking.startsAt) }, { startWindowMinutes: 0 }, new Date(booking.startsAt)).allowed).toBe(true);
  });
  it('says the time in the zone, with the date when it is another day', () => {
    const from = new Date('2030-06-04T06:00:00.000Z');
    expect(setOffTimeText(from, 'Europe/Berlin', new Date('2030-06-04T05:00:00.000Z'))).toBe('08:00');
    expect(setOffTimeText(from, 'Europe/Berlin', new Date('2030-06-03T05:00:00.000Z'))).toBe('4 Jun, 08:00');
    expect([startWindowText(120), startWindowText(60), startWindowText(90), startWindowText(0)]).toEqual([
      '2 hours before the start',
      '1 hour before the start',
      '90 minutes before the start',
      'at the start time',
    ]);
  });
});
