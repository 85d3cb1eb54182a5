import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, world, type Marketplace } from '../bookings/helpers.js';
import { connect, eventually, join, listen, north, received, storedPoints, walk } from './track.fixtures.js';

/* The app's own Tracks, reached the way production reaches it: the worker's location updates through presence. */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

describe('location updates of a worker on a walk', () => {
  it('become track points broadcast to the room, and are written when the app closes', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    const owner = await connect(await listen(t), m.petOwner.accessToken);
    try {
      expect((await join(owner, id)).success).toBe(true);
      expect((await call(t, m.worker, 'POST', `/v1/workers/${m.worker.workerId}/online`, {})).statusCode).toBe(200);
      t.clock.advance(2_000);
      const res = await call(t, m.worker, 'PUT', `/v1/workers/${m.worker.workerId}/location`, north(t0, 2, 3, 1));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ accepted: true, recorded: true });
      await eventually(() => received(owner, 'location:updated').length === 1, 'the broadcast');
      // Buffered (the batch goes out every 200 ms), and written by the shutdown at the latest.
      owner.disconnect();
      await t.app.close();
      expect(await storedPoints(t, id, t0)).toEqual([{ seq: 1, s: 2 }]);
    } finally {
      owner.disconnect();
    }
  });
});
