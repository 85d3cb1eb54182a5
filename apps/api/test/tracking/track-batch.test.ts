import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { queued, world, type Marketplace } from '../bookings/helpers.js';
import { sql } from 'drizzle-orm';
import { MAX_TRACK_POINTS, TRACK_VIEW_MAX_POINTS } from '@walkydoggy/shared';
import { rowsOf } from '../../src/platform/db.js';
import { complete, counters, north, START, storedPoints, uploadPoints, walk } from './track.fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

const MINUTE = 60_000;

describe('POST /v1/bookings/:id/tracking/points', () => {
  it('stores a batch once: duplicates, order, jumps and points outside the walk are counted', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    t.clock.advance(10 * MINUTE);
    const batch = [
      north(t0, 30, 60, 3),
      north(t0, 10, 20, 1),
      north(t0, 20, 40, 2),
      north(t0, 20, 40, 2), // twice in the batch
      north(t0, -30, 0, 0), // before the start
      north(t0, 25, 5_000, 9), // 5 km in 5 s
      north(t0, 900, 900, 10), // in the future
    ];
    const first = await uploadPoints(t, m.worker, id, batch);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data).toEqual({ accepted: 3, duplicates: 1, jumps: 1, outside: 2 });
    expect(await storedPoints(t, id, t0)).toEqual([
      { seq: 1, s: 10 },
      { seq: 2, s: 20 },
      { seq: 3, s: 30 },
    ]);

    // The phone resends everything with one new point: only that one is stored.
    const again = await uploadPoints(t, m.worker, id, [...batch, north(t0, 40, 80, 4)]);
    expect(again.json().data).toEqual({ accepted: 1, duplicates: 4, jumps: 1, outside: 2 });
    expect((await storedPoints(t, id, t0)).map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    expect(await counters(t, id)).toMatchObject({ duplicates: 5, jumps: 2 });

    // A point with a stored instant under a new seq is a duplicate too.
    const sameInstant = await uploadPoints(t, m.worker, id, [north(t0, 40, 80, 77)]);
    expect(sameInstant.json().data).toEqual({ accepted: 0, duplicates: 1, jumps: 0, outside: 0 });
  });

  it('judges a batch against the stored points around each of its points, wherever they are in a long track', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    // 2,000 stored points, one every 10 s walking 1.4 m/s north, seq 1..2000.
    await t.db.execute(sql`insert into booking_track_points (booking_id, recorded_at, seq, lng, lat)
      select ${id}::uuid, ${t0.toISOString()}::timestamptz + (g * interval '10 seconds'), g, ${START.lng}, ${START.lat} + g * 14.0 / 111195
      from generate_series(1, 2000) as g`);
    t.clock.advance(20_100 * 1000);
    const res = await uploadPoints(t, m.worker, id, [
      north(t0, 105, 147, 5001), // between two stored points, on the way: accepted
      north(t0, 1005, 5000, 5002), // between two stored points, 3.6 km off: a jump
      north(t0, 2009, 2814 + 300, 5003), // plausible from the stored point before, 300 m in 1 s to the one after: a jump
      north(t0, 500, 0, 7), // seq 7 is stored (at 70 s): a duplicate
      north(t0, 300, 420, 9999), // a stored instant: a duplicate
      north(t0, 20_005, 28_007, 5004), // after the last stored point: accepted
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ accepted: 2, duplicates: 2, jumps: 2, outside: 0 });
    const stored = await storedPoints(t, id, t0);
    expect(stored).toHaveLength(2002);
    expect(stored.filter((p) => (p.seq ?? 0) > 2000)).toEqual([
      { seq: 5001, s: 105 },
      { seq: 5004, s: 20_005 },
    ]);
    // Sent again: each is now a duplicate (the jumps were not stored, so they are jumps again).
    const again = await uploadPoints(t, m.worker, id, [north(t0, 105, 147, 5001), north(t0, 20_005, 28_007, 5004), north(t0, 1005, 5000, 5002)]);
    expect(again.json().data).toEqual({ accepted: 0, duplicates: 2, jumps: 1, outside: 0 });
  });

  it('keeps at most MAX_TRACK_POINTS points: a full track takes no more, and the view reads no more', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    // A track one point short of full, stored as a day-long walk at one point a second would be.
    await t.db.execute(sql`insert into booking_track_points (booking_id, recorded_at, seq, lng, lat)
      select ${id}::uuid, ${t0.toISOString()}::timestamptz + (g * interval '1 second'), g, ${START.lng}, ${START.lat}
      from generate_series(1, ${MAX_TRACK_POINTS - 1}) as g`);
    t.clock.advance(MAX_TRACK_POINTS * 1000 + 5 * MINUTE);
    const last = MAX_TRACK_POINTS - 1;
    const res = await uploadPoints(t, m.worker, id, [north(t0, last + 1, 0, last + 1), north(t0, last + 2, 0, last + 2), north(t0, last + 3, 0, last + 3)]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ accepted: 1, duplicates: 0, jumps: 0, outside: 2 });
    const full = await uploadPoints(t, m.worker, id, [north(t0, last + 10, 0, last + 10)]);
    expect(full.json().data).toEqual({ accepted: 0, duplicates: 0, jumps: 0, outside: 1 });
    const stored = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from booking_track_points where booking_id = ${id}`))[0]!.n;
    expect(stored).toBe(MAX_TRACK_POINTS);
    const view = await t.app.inject({ method: 'GET', url: `/v1/bookings/${id}/tracking`, headers: t.bearer(m.petOwner.accessToken) });
    expect(view.statusCode, view.body.slice(0, 300)).toBe(200);
    // The view measures the full track and draws it thinned: at most TRACK_VIEW_MAX_POINTS, its ends kept.
    const data = view.json().data as { segments: { at: string }[][]; stats: { points: number } };
    expect(data.stats.points).toBe(MAX_TRACK_POINTS);
    const drawn = data.segments.flat();
    expect(drawn.length).toBeLessThanOrEqual(TRACK_VIEW_MAX_POINTS);
    expect(drawn[0]!.at).toBe(new Date(t0.getTime() + 1000).toISOString());
    expect(drawn.at(-1)!.at).toBe(new Date(t0.getTime() + MAX_TRACK_POINTS * 1000).toISOString());
  });

  it('is for the assigned worker only: other people of the booking 403, everybody else 404', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    const points = [north(t0, 1, 1, 1)];
    const status = async (who: Parameters<typeof uploadPoints>[1] | null) =>
      (await t.app.inject({ method: 'POST', url: `/v1/bookings/${id}/tracking/points`, headers: who ? t.bearer(who.accessToken) : {}, payload: { points } }))
        .statusCode;
    expect({
      petOwner: await status(m.petOwner),
      owner: await status(m.owner),
      otherOwner: await status(m.otherOwner),
      otherWorker: await status(m.otherWorker),
      admin: await status(m.admin),
      anonymous: await status(null),
    }).toEqual({ petOwner: 403, owner: 403, otherOwner: 404, otherWorker: 404, admin: 404, anonymous: 401 });
    expect(await storedPoints(t, id, t0)).toEqual([]);
  });

  it('refuses a booking that has not started (409) and bad points (400), writing nothing', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'confirmed');
    const res = await uploadPoints(t, m.worker, id, [north(t0, 1, 1, 1)]);
    expect(res.statusCode).toBe(409);
    const running = await walk(t, m, 'in_progress');
    const bad = await uploadPoints(t, m.worker, running, [{ ...north(t0, 1, 1, 1), lat: 123 }]);
    expect(bad.statusCode).toBe(400);
    expect(await storedPoints(t, running, t0)).toEqual([]);
  });

  it('takes late points of a completed walk for a day and rebuilds its report; later it is closed', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    t.clock.advance(20 * MINUTE);
    await complete(t, m, id);
    const before = (await queued(t, 'tracking.report')).filter((j) => j.bookingId === id).length;

    t.clock.advance(60 * MINUTE);
    const late = await uploadPoints(t, m.worker, id, [north(t0, 60, 60, 1), north(t0, 120, 120, 2), north(t0, 21 * 60, 1000, 3)]);
    expect(late.json().data).toEqual({ accepted: 2, duplicates: 0, jumps: 0, outside: 1 });
    expect((await queued(t, 'tracking.report')).filter((j) => j.bookingId === id).length).toBe(before + 1);

    t.clock.advance(24 * 60 * MINUTE);
    const tooLate = await uploadPoints(t, m.worker, id, [north(t0, 180, 180, 4)]);
    expect(tooLate.statusCode).toBe(409);
    expect((await storedPoints(t, id, t0)).map((p) => p.seq)).toEqual([1, 2]);
  });
});
