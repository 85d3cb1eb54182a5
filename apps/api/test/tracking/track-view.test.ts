import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocationUpdate } from '@walkydoggy/shared';
import { createTracks } from '../../src/modules/tracking/track.service.js';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, coOwnerOf, HOME, world, type Marketplace } from '../bookings/helpers.js';
import type { Caller } from '../businesses/fixtures.js';
import { complete, connect, eventually, join, listen, north, received, uploadPoints, walk, type Watcher } from './track.fixtures.js';

let t: TestApp;
let m: Marketplace;
let coOwner: Caller;
let url: string;
const sockets: Watcher[] = [];
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await coOwnerOf(t, m);
  url = await listen(t);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
});
async function watcher(who: Caller) {
  const s = await connect(url, who.accessToken);
  sockets.push(s);
  return s;
}

const view = (id: string, who: Caller | null = m.petOwner) => call(t, who, 'GET', `/v1/bookings/${id}/tracking`);

describe('GET /v1/bookings/:id/tracking', () => {
  it('draws the route in segments split at gaps, with stats, for the booking people only', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    t.clock.advance(10 * 60_000);
    // 0–30 s walking north 14 m every 10 s, then nothing for 170 s, then 20 s more.
    const points = [0, 10, 20, 30].map((s, i) => north(t0, s, s * 1.4, i)).concat([200, 210, 220].map((s, i) => north(t0, s, 200 + (s - 200) * 1.4, 10 + i)));
    expect((await uploadPoints(t, m.worker, id, points)).json().data.accepted).toBe(7);

    const res = await view(id);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({
      bookingId: id,
      status: 'in_progress',
      live: true,
      onTheWayAt: null,
      startedAt: t0.toISOString(),
      completedAt: null,
      worker: { id: m.worker.workerId, firstName: 'Wendy', photoUrl: null },
      destination: { lng: HOME.lng, lat: HOME.lat },
      eta: null,
      events: [],
      stats: { points: 7, duplicates: 0, jumps: 0, distanceMeters: 70, durationSeconds: 600 },
    });
    expect(data.segments.map((s: unknown[]) => s.length)).toEqual([4, 3]);
    expect(data.segments[0][0]).toEqual({ lng: points[0]!.lng, lat: points[0]!.lat, at: points[0]!.recordedAt, accuracyM: 5 });
    expect(data.lastPoint.at).toBe(points[6]!.recordedAt);

    const statusOf = async (who: Caller | null) => (await view(id, who)).statusCode;
    expect({
      petOwner: await statusOf(m.petOwner),
      coOwner: await statusOf(coOwner),
      worker: await statusOf(m.worker),
      business: await statusOf(m.owner),
      otherBusiness: await statusOf(m.otherOwner),
      otherWorker: await statusOf(m.otherWorker),
      admin: await statusOf(m.admin),
      anonymous: await statusOf(null),
    }).toEqual({ petOwner: 200, coOwner: 200, worker: 200, business: 200, otherBusiness: 404, otherWorker: 404, admin: 404, anonymous: 401 });

    // After completion it stays readable, no longer live.
    await complete(t, m, id);
    expect((await view(id)).json().data).toMatchObject({ live: false, status: 'completed', completedAt: t.clock.now().toISOString() });
  });
});

describe('booking:join', () => {
  it("lets the booking's people in while it is confirmed or in progress, nobody else", async () => {
    const id = await walk(t, m, 'confirmed');
    for (const who of [m.petOwner, coOwner, m.worker, m.owner])
      expect(await join(await watcher(who), id)).toEqual({ success: true, data: { room: `booking:${id}` } });
    for (const who of [m.otherOwner, m.otherWorker, m.admin])
      expect(await join(await watcher(who), id)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(await join(await watcher(m.petOwner), crypto.randomUUID())).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(await join(await watcher(m.petOwner), 'not-a-uuid' as never)).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    await expect(connect(url, '')).rejects.toThrow();

    const pending = await walk(t, m, 'pending');
    expect(await join(await watcher(m.petOwner), pending)).toMatchObject({ success: false, error: { code: 'CONFLICT' } });

    // Leaving: no more events.
    const leaver = await watcher(m.petOwner);
    await join(leaver, id);
    expect(await leaver.emitWithAck('booking:leave', { bookingId: id })).toEqual({ success: true, data: null });
    const stayer = await watcher(m.petOwner);
    await join(stayer, id);
    t.app.platform.realtime.toBooking(id, 'booking:status', { bookingId: id, status: 'confirmed' });
    await eventually(() => received(stayer, 'booking:status').length === 1, 'the status');
    expect(received(leaver, 'booking:status')).toHaveLength(0);
  });
});

describe('POST /v1/bookings/:id/on-the-way and the ETA', () => {
  it('sets off from the start window (2 h before the start by default), tells the owner once and streams the ETA', async () => {
    const id = await walk(t, m, 'confirmed');
    const [row] = rowsOf<{ starts_at: string }>(await t.db.execute(sql`select starts_at from bookings where id = ${id}`));
    const startsAt = new Date(row!.starts_at);
    const owner = await watcher(m.petOwner);
    expect((await join(owner, id)).success).toBe(true);
    const onTheWay = (who: Caller) => call(t, who, 'POST', `/v1/bookings/${id}/on-the-way`);

    t.clock.set(new Date(startsAt.getTime() - 2 * 3_600_000 - 60_000));
    expect((await onTheWay(m.worker)).statusCode).toBe(409);
    t.clock.set(new Date(startsAt.getTime() - 2 * 3_600_000));
    expect((await onTheWay(m.petOwner)).statusCode).toBe(403);
    expect((await onTheWay(m.owner)).statusCode).toBe(403);
    expect((await onTheWay(m.otherWorker)).statusCode).toBe(404);
    expect((await onTheWay(m.admin)).statusCode).toBe(404);

    const res = await onTheWay(m.worker);
    expect(res.statusCode, res.body).toBe(200);
    const setOffAt = t.clock.now().toISOString();
    expect(res.json().data).toMatchObject({ status: 'confirmed', live: false, onTheWayAt: setOffAt, destination: { lng: HOME.lng, lat: HOME.lat }, eta: null });
    await eventually(() => received(owner, 'booking:status').length === 1, 'the status');
    expect(received(owner, 'booking:status')[0]).toEqual({ bookingId: id, status: 'confirmed', onTheWayAt: setOffAt });

    // Pressed again later: the first time stays, the owner is not told twice.
    t.clock.advance(60_000);
    expect((await onTheWay(m.worker)).json().data.onTheWayAt).toBe(setOffAt);
    const notes = rowsOf<{ type: string; title: string; data: { link: string; bookingId: string } }>(
      await t.db.execute(sql`select type, title, data from notifications where user_id = ${m.petOwner.id} and type = 'worker.on_the_way'`),
    );
    expect(notes).toEqual([
      { type: 'worker.on_the_way', title: 'Wendy is on the way', data: expect.objectContaining({ bookingId: id, link: `/bookings/${id}/live` }) },
    ]);

    // Live updates now carry the ETA: 3 km south, then 120 m a minute closer (2 m/s).
    const tracks = createTracks(t.app.platform);
    try {
      const worker = { id: m.worker.workerId, userId: m.worker.id, businessId: m.businessId };
      const t0 = t.clock.now();
      for (let i = 0; i < 3; i++) expect(await tracks.recordLive(worker, north(t0, i * 60, -3000 + i * 120) as LocationUpdate)).toEqual({ recorded: false });
      await eventually(() => received(owner, 'tracking:eta').length === 3, 'three ETAs');
      const etas = received(owner, 'tracking:eta').map((e) => e.eta as Record<string, number | string>);
      expect(received(owner, 'tracking:eta')[0]!.bookingId).toBe(id);
      expect(etas[0]).toMatchObject({ basis: 'default_speed', speedMps: 5, distanceMeters: 3000, etaSeconds: 600 });
      expect(etas[2]).toMatchObject({ basis: 'recent_speed', speedMps: 2, distanceMeters: 2760, etaSeconds: 1380 });
    } finally {
      await tracks.stop();
    }

    // The view's ETA from the worker's last known position (presence), at the default speed.
    await t.db.execute(sql`insert into worker_presence (worker_id, business_id, user_id, online_at, location, recorded_at, seen_at)
      values (${m.worker.workerId}, ${m.businessId}, ${m.worker.id}, now(), ST_SetSRID(ST_MakePoint(${HOME.lng}, ${HOME.lat - 1500 / 111_195}), 4326)::geography, now(), now())
      on conflict (worker_id) do update set online_at = excluded.online_at, location = excluded.location`);
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${id}/tracking`)).json().data.eta).toMatchObject({
      basis: 'default_speed',
      distanceMeters: 1500,
      etaSeconds: 300,
    });

    // Once started, on-the-way is over.
    expect((await call(t, m.worker, 'POST', `/v1/bookings/${id}/start`)).statusCode).toBe(200);
    expect((await onTheWay(m.worker)).statusCode).toBe(409);
  });
});
