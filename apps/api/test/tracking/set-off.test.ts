import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, world, type Marketplace } from '../bookings/helpers.js';
import { walk } from './track.fixtures.js';

/* One rule for "On my way" and "Start": from the business's start window before the start (default 2 h). */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

const startsAtOf = async (id: string) => Date.parse((await call(t, m.worker, 'GET', `/v1/bookings/${id}`)).json().data.startsAt);
const at = (ms: number) => t.clock.set(new Date(ms));
const MIN = 60_000;

describe('when the worker may set off and start', () => {
  for (const action of ['on-the-way', 'start'] as const)
    it(`${action}: 409 with why and from when one minute before the window, 200 at its first minute`, async () => {
      const id = await walk(t, m, 'confirmed');
      const startsAt = await startsAtOf(id);
      const from = startsAt - 120 * MIN;
      at(from - MIN);
      const early = await call(t, m.worker, 'POST', `/v1/bookings/${id}/${action}`);
      expect(early.statusCode).toBe(409);
      const error = early.json().error;
      expect(error.code).toBe('CONFLICT');
      // 2 h before a 10:00-ish Berlin start, said in the business's zone.
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        new Date(from),
      );
      expect(error.message).toContain(`Too early: you can ${action === 'start' ? 'start' : 'set off'} from`);
      expect(error.message).toContain(`${local} (Europe/Berlin), 2 hours before the start.`);
      expect(error.details).toEqual([{ path: 'allowedFrom', message: new Date(from).toISOString(), code: 'too_early' }]);
      expect((await call(t, m.worker, 'GET', `/v1/bookings/${id}`)).json().data.status).toBe('confirmed');

      at(from);
      const res = await call(t, m.worker, 'POST', `/v1/bookings/${id}/${action}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data.status).toBe(action === 'start' ? 'in_progress' : 'confirmed');
      // The booking view tells the worker's app the window, for its buttons.
      expect((await call(t, m.worker, 'GET', `/v1/bookings/${id}`)).json().data.business.startWindowMinutes).toBe(120);
    });

  it('follows the business setting when it changes: 30 minutes, then 0 (only from the start itself)', async () => {
    const put = (startWindowMinutes: number) => call(t, m.owner, 'PUT', `/v1/businesses/${m.businessId}`, { bookingSettings: { startWindowMinutes } });
    try {
      expect((await put(30)).statusCode).toBe(200);
      const id = await walk(t, m, 'confirmed');
      const startsAt = await startsAtOf(id);
      at(startsAt - 31 * MIN);
      const early = await call(t, m.worker, 'POST', `/v1/bookings/${id}/on-the-way`);
      expect(early.statusCode).toBe(409);
      expect(early.json().error.message).toContain('30 minutes before the start');
      expect(early.json().error.details[0].message).toBe(new Date(startsAt - 30 * MIN).toISOString());
      at(startsAt - 30 * MIN);
      expect((await call(t, m.worker, 'POST', `/v1/bookings/${id}/on-the-way`)).statusCode).toBe(200);

      expect((await put(0)).statusCode).toBe(200);
      at(startsAt - MIN);
      const start = await call(t, m.worker, 'POST', `/v1/bookings/${id}/start`);
      expect(start.statusCode).toBe(409);
      expect(start.json().error.message).toContain('at the start time');
      at(startsAt);
      expect((await call(t, m.worker, 'POST', `/v1/bookings/${id}/start`)).statusCode).toBe(200);
    } finally {
      await put(120);
    }
  });
});
