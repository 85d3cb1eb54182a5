import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocationUpdate } from '@walkydoggy/shared';
import { createTracks } from '../../src/modules/tracking/track.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { world, type Marketplace } from '../bookings/helpers.js';
import { complete, connect, counters, eventually, join, listen, north, received, sleep, storedPoints, walk, type Watcher } from './track.fixtures.js';

/*
 * The live path, driven through its own Tracks instance on the app's platform (presence calls the
 * app's instance the same way for every accepted update): broadcast at once, written in batches.
 */

let t: TestApp;
let m: Marketplace;
let url: string;
let tracks: ReturnType<typeof createTracks>;
const sockets: Watcher[] = [];
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  url = await listen(t);
  tracks = createTracks(t.app.platform);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await tracks.stop();
  await t.close();
});

async function watcher(token: string) {
  const s = await connect(url, token);
  sockets.push(s);
  return s;
}
const worker = () => ({ id: m.worker.workerId, userId: m.worker.id, businessId: m.businessId });
const live = (update: ReturnType<typeof north>) => tracks.recordLive(worker(), update as LocationUpdate);

describe('live updates of a walk in progress', () => {
  it('broadcasts accepted points at once, drops jumps, writes in batches; after completion nothing more', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    const owner = await watcher(m.petOwner.accessToken);
    expect(await join(owner, id)).toEqual({ success: true, data: { room: `booking:${id}` } });

    expect(await live(north(t0, -10, 0))).toEqual({ recorded: false }); // before the start
    expect(await live(north(t0, 5, 5, 1))).toEqual({ recorded: true });
    await eventually(() => received(owner, 'location:updated').length === 1, 'the first point');
    expect(received(owner, 'location:updated')[0]).toEqual({
      bookingId: id,
      workerId: m.worker.workerId,
      point: { lng: north(t0, 5, 5).lng, lat: north(t0, 5, 5).lat, at: north(t0, 5, 5).recordedAt, accuracyM: 5, seq: 1, speedMps: null },
    });

    expect(await live(north(t0, 6, 3_000, 2))).toEqual({ recorded: false }); // 3 km in a second
    expect(await live(north(t0, 5, 5, 1))).toEqual({ recorded: false }); // the same fix again
    expect(await live(north(t0, 7, 8, 3))).toEqual({ recorded: true });
    await eventually(() => received(owner, 'location:updated').length === 2, 'the third point');
    expect(received(owner, 'location:updated').map((p) => (p.point as { seq: number }).seq)).toEqual([1, 3]);

    // Written by the 200 ms timer without being asked.
    await eventually(async () => (await storedPoints(t, id, t0)).length === 2, 'the batch write', 2_000);
    expect(await storedPoints(t, id, t0)).toEqual([
      { seq: 1, s: 5 },
      { seq: 3, s: 7 },
    ]);
    expect(await counters(t, id)).toMatchObject({ jumps: 1 });

    // The tracking view has them live.
    const view = await t.app.inject({ method: 'GET', url: `/v1/bookings/${id}/tracking`, headers: t.bearer(m.petOwner.accessToken) });
    expect(view.json().data).toMatchObject({ live: true, status: 'in_progress', stats: { points: 2, jumps: 1 } });

    t.clock.advance(60_000);
    await complete(t, m, id);
    await eventually(() => received(owner, 'booking:status').some((s) => s.status === 'completed'), 'the completion');
    // Every instance forgets the walk: the worker's next update is nobody's track point.
    await eventually(async () => !(await live(north(t0, 61, 60, 4))).recorded, 'the invalidation');
    await sleep(100);
    expect(received(owner, 'location:updated')).toHaveLength(2);
    const again = await join(owner, id);
    expect(again).toMatchObject({ success: false, error: { code: 'CONFLICT' } });
  });

  it('checks jumps against the stored track after a restart (no memory of the walk)', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    expect(await live(north(t0, 1, 1, 1))).toEqual({ recorded: true });
    await tracks.flush();

    const restarted = createTracks(t.app.platform);
    try {
      expect(await restarted.recordLive(worker(), north(t0, 2, 2_000, 2) as LocationUpdate)).toEqual({ recorded: false });
      expect(await restarted.recordLive(worker(), north(t0, 3, 4, 3) as LocationUpdate)).toEqual({ recorded: true });
      await restarted.flush();
    } finally {
      await restarted.stop();
    }
    expect((await storedPoints(t, id, t0)).map((p) => p.seq)).toEqual([1, 3]);
    expect(await counters(t, id)).toMatchObject({ jumps: 1 });
    t.clock.advance(60_000);
    await complete(t, m, id);
  });

  it('records nothing for a worker without a walk in progress', async () => {
    await sleep(50);
    expect(await live(north(t.clock.now(), 0, 0, 1))).toEqual({ recorded: false });
  });
});
