import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bookings, businesses } from '@walkydoggy/shared/db';
import { APPROXIMATE_POSITION_METERS, haversineMeters, type NearbyWorker } from '@walkydoggy/shared';
import { rowsOf } from '../../src/platform/db.js';
import { snapToGrid } from '../../src/modules/tracking/presence.nearby.js';
import { PRESENCE_FLUSH_MS, PRESENCE_STATE_EVENT } from '../../src/modules/tracking/presence.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { berlin, bookingInState, NOW, TOMORROW } from '../bookings/helpers.js';
import type { Marketplace } from '../support/marketplace.js';
import {
  EAST,
  MITTE,
  connect,
  eventually,
  fix,
  flushPresence,
  goOffline,
  goOnline,
  listen,
  nearby,
  presenceOf,
  presenceWorld,
  resetPresence,
  runSweep,
  sendLocation,
  sleep,
  type LiveClient,
} from './presence.fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  m = await presenceWorld(t);
});
afterAll(() => t.close());
beforeEach(async () => {
  // Each test starts with everybody offline and past any rate-limit interval.
  await resetPresence(t);
  t.clock.advance(10_000);
});

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

describe('online, location, offline', () => {
  it('goes online with a first position, shares positions and goes offline', async () => {
    const first = fix(t, MITTE);
    const online = await goOnline(t, m.worker, { location: first });
    expect(online.statusCode, online.body).toBe(200);
    expect(online.json().data).toEqual({ workerId: m.worker.workerId, online: true, onlineAt: t.clock.now().toISOString() });
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ online: true, lng: MITTE.lng, lat: MITTE.lat, accuracy_m: 8 });

    t.clock.advance(SECOND);
    const moved = await sendLocation(t, m.worker, fix(t, EAST, { accuracyM: 12, speedMps: 1.4, heading: 90, seq: 3 }));
    expect(moved.statusCode, moved.body).toBe(200);
    // The track helper's stub records nothing: no walk in progress.
    expect(moved.json().data).toEqual({ accepted: true, recorded: false });
    const row = await presenceOf(t, m.worker.workerId);
    expect(row).toMatchObject({ online: true, lng: EAST.lng, lat: EAST.lat, accuracy_m: 12 });
    expect(row!.seen_at).toBe(t.clock.now().toISOString().slice(0, 23));

    // Going online again while online keeps the shift (onlineAt) and the latest position.
    t.clock.advance(SECOND);
    const again = await goOnline(t, m.worker);
    expect(again.json().data.onlineAt).toBe(online.json().data.onlineAt);
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });

    const offline = await goOffline(t, m.worker);
    expect(offline.statusCode, offline.body).toBe(200);
    expect(offline.json().data).toEqual({ workerId: m.worker.workerId, online: false });
    expect((await presenceOf(t, m.worker.workerId))!.online).toBe(false);

    // A new shift starts without the last shift's position.
    const next = await goOnline(t, m.worker);
    expect(next.statusCode).toBe(200);
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ online: true, lng: null, lat: null });
  });

  it('starts a new shift when the worker went silent past the TTL, even before the sweep ran', async () => {
    const first = await goOnline(t, m.worker, { location: fix(t, MITTE) });
    t.clock.advance(5 * MINUTE + SECOND);
    const again = await goOnline(t, m.worker);
    expect(again.json().data.onlineAt).toBe(t.clock.now().toISOString());
    expect(again.json().data.onlineAt).not.toBe(first.json().data.onlineAt);
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ online: true, lng: null, lat: null });
  });

  it("answers 404 for another worker's id and for callers who are not that worker, and 401 without a session", async () => {
    const own = m.worker.workerId;
    const other = m.otherWorker.workerId;
    expect((await goOnline(t, m.worker, {}, other)).statusCode).toBe(404);
    expect((await sendLocation(t, m.worker, fix(t), other)).statusCode).toBe(404);
    expect((await goOffline(t, m.worker, other)).statusCode).toBe(404);
    // The business's owner, a pet owner and an admin are not the worker either.
    for (const caller of [m.owner, m.petOwner, m.admin]) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/workers/${own}/online`, headers: t.bearer(caller.accessToken), payload: {} });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await t.app.inject({ method: 'POST', url: `/v1/workers/${own}/online`, payload: {} })).statusCode).toBe(401);
    expect(await presenceOf(t, own)).toBeNull();
    expect(await presenceOf(t, other)).toBeNull();
  });

  it('refuses invalid positions with 400, writing nothing and not using up the second', async () => {
    expect((await goOnline(t, m.worker, { location: fix(t, MITTE) })).statusCode).toBe(200);
    t.clock.advance(SECOND);
    const before = await presenceOf(t, m.worker.workerId);
    const cases: [Record<string, unknown>, string][] = [
      [fix(t, MITTE, { lng: 181 }), 'body.lng'],
      [fix(t, MITTE, { lat: -91 }), 'body.lat'],
      [fix(t, MITTE, { recordedAt: new Date(t.clock.now().getTime() + 6 * SECOND).toISOString() }), 'body.recordedAt'],
      [fix(t, MITTE, { accuracyM: -1 }), 'body.accuracyM'],
    ];
    for (const [body, path] of cases) {
      const res = await sendLocation(t, m.worker, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
    expect(await presenceOf(t, m.worker.workerId)).toEqual(before);
    // None of them claimed the worker's second; a device 4 s ahead is within the allowed skew.
    const good = await sendLocation(t, m.worker, fix(t, EAST, { recordedAt: new Date(t.clock.now().getTime() + 4 * SECOND).toISOString() }));
    expect(good.statusCode, good.body).toBe(200);
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });
  });

  it('refuses a first position from the future when going online', async () => {
    const res = await goOnline(t, m.worker, { location: fix(t, MITTE, { recordedAt: new Date(t.clock.now().getTime() + MINUTE).toISOString() }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body.location.recordedAt');
    expect(await presenceOf(t, m.worker.workerId)).toBeNull();
  });

  it('accepts one position a second: the second within it is 429 and changes nothing', async () => {
    expect((await goOnline(t, m.worker)).statusCode).toBe(200);
    expect((await sendLocation(t, m.worker, fix(t, MITTE))).statusCode).toBe(200);
    t.clock.advance(999);
    const second = await sendLocation(t, m.worker, fix(t, EAST));
    expect(second.statusCode).toBe(429);
    expect(second.json().error.code).toBe('RATE_LIMITED');
    expect(second.headers['retry-after']).toBe('1');
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: MITTE.lng, lat: MITTE.lat });
    t.clock.advance(1);
    expect((await sendLocation(t, m.worker, fix(t, EAST))).statusCode).toBe(200);
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });
  });

  it('answers 409 to positions while offline, and the refused one does not hold back the next', async () => {
    const never = await sendLocation(t, m.worker, fix(t));
    expect(never.statusCode).toBe(409);
    expect(never.json().error.code).toBe('CONFLICT');
    expect(await presenceOf(t, m.worker.workerId)).toBeNull();

    expect((await goOnline(t, m.worker)).statusCode).toBe(200);
    expect((await goOffline(t, m.worker)).statusCode).toBe(200);
    expect((await sendLocation(t, m.worker, fix(t))).statusCode).toBe(409);
    expect((await presenceOf(t, m.worker.workerId))!.lng).toBeNull();
    expect((await goOnline(t, m.worker)).statusCode).toBe(200);
    expect((await sendLocation(t, m.worker, fix(t))).statusCode).toBe(200);
  });
});

describe('batched positions and the cached online state', () => {
  it('writes the latest positions of many workers in one statement, by the timer, and reads nothing per update', async () => {
    const url = await listen(t);
    const worker = await connect(url, m.worker.accessToken);
    const other = await connect(url, m.otherWorker.accessToken);
    try {
      expect((await goOnline(t, m.worker, { location: fix(t, MITTE) })).statusCode).toBe(200);
      expect((await goOnline(t, m.otherWorker, { location: fix(t, MITTE) })).statusCode).toBe(200);
      // The first update of each fills the caches (is a walk in progress?): the steady state starts after it.
      t.clock.advance(SECOND);
      for (const s of [worker, other]) expect(await s.timeout(5_000).emitWithAck('location:update', fix(t, MITTE))).toMatchObject({ success: true });
      await flushPresence(t);
      t.clock.advance(SECOND);
      const db = t.app.platform.db;
      const execute = vi.spyOn(db, 'execute');
      const select = vi.spyOn(db, 'select');
      try {
        expect(await worker.timeout(5_000).emitWithAck('location:update', fix(t, EAST, { accuracyM: 12 }))).toMatchObject({ success: true });
        expect(await other.timeout(5_000).emitWithAck('location:update', fix(t, EAST, { accuracyM: 13 }))).toMatchObject({ success: true });
        // Accepted and acknowledged without a statement: online is known, the position waits for the batch.
        expect(execute).not.toHaveBeenCalled();
        expect(select).not.toHaveBeenCalled();
        // The row still has the old position until the flush (within PRESENCE_FLUSH_MS, unasked).
        const [row] = rowsOf<{ lng: number }>(
          await t.db.execute(sql`select st_x(location::geometry) as lng from worker_presence where worker_id = ${m.worker.workerId}`),
        );
        expect(Number(row!.lng)).toBe(MITTE.lng);
        execute.mockClear();
        await eventually(() => execute.mock.calls.length > 0, 'the batch flush', PRESENCE_FLUSH_MS + 2_000);
        await sleep(100);
        // One UPDATE for both workers.
        expect(execute).toHaveBeenCalledTimes(1);
      } finally {
        execute.mockRestore();
        select.mockRestore();
      }
      expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat, accuracy_m: 12 });
      expect(await presenceOf(t, m.otherWorker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat, accuracy_m: 13 });
      expect((await presenceOf(t, m.worker.workerId))!.seen_at).toBe(t.clock.now().toISOString().slice(0, 23));
    } finally {
      worker.disconnect();
      other.disconnect();
    }
  });

  it('a worker taken offline behind the cache (sweep, another instance) is refused once the flush finds it out', async () => {
    expect((await goOnline(t, m.worker, { location: fix(t, MITTE) })).statusCode).toBe(200);
    t.clock.advance(SECOND);
    expect((await sendLocation(t, m.worker, fix(t, EAST))).statusCode).toBe(200);
    // Offline in the table without this instance being told: the flush writes nothing for them...
    await t.db.execute(sql`update worker_presence set online_at = null where worker_id = ${m.worker.workerId}`);
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ online: false, lng: MITTE.lng });
    // ...and forgets the cached state: the next update reads it again and is refused.
    t.clock.advance(SECOND);
    expect((await sendLocation(t, m.worker, fix(t, EAST))).statusCode).toBe(409);
  });

  it('hears online/offline told by another instance (presence:state)', async () => {
    expect((await goOnline(t, m.worker)).statusCode).toBe(200);
    t.clock.advance(SECOND);
    expect((await sendLocation(t, m.worker, fix(t))).statusCode).toBe(200);
    // Another instance took the worker offline: its row and its event.
    await t.db.execute(sql`update worker_presence set online_at = null where worker_id = ${m.worker.workerId}`);
    t.app.platform.realtime.broadcastServer(PRESENCE_STATE_EVENT, { workerId: m.worker.workerId, online: false });
    t.clock.advance(SECOND);
    expect((await sendLocation(t, m.worker, fix(t))).statusCode).toBe(409);
  });
});

describe('GET /v1/locations/workers', () => {
  const here = { lat: 52.5305, lng: 13.385, radius: 5_000 };
  const byBusiness = (list: NearbyWorker[], businessId: string) => list.find((w) => w.businessId === businessId);

  async function bothOnline() {
    expect((await goOnline(t, m.worker, { location: fix(t, MITTE) })).statusCode).toBe(200);
    expect((await goOnline(t, m.otherWorker, { location: fix(t, EAST) })).statusCode).toBe(200);
  }
  async function list(who: { accessToken: string } | null, query: Record<string, string | number> = here): Promise<NearbyWorker[]> {
    const res = await nearby(t, who, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  }

  it('shows owners approximate positions without identity, nearest first', async () => {
    await bothOnline();
    const seen = await list(m.petOwner);
    expect(seen.map((w) => w.businessId)).toEqual([m.businessId, m.otherBusinessId]);
    for (const [w, exact] of [
      [seen[0]!, MITTE],
      [seen[1]!, EAST],
    ] as const) {
      expect(w.worker).toBeNull();
      expect(w.approximate).toBe(true);
      expect(w).toMatchObject(snapToGrid(exact));
      expect(w.lat).not.toBe(exact.lat);
      // Within a grid cell of the truth, and the distance is the cell's, to 100 m.
      expect(haversineMeters(w, exact)).toBeLessThan(APPROXIMATE_POSITION_METERS);
      expect(w.distanceMeters % 100).toBe(0);
      expect(w.distanceMeters).toBe(Math.round(haversineMeters(here, w) / 100) * 100);
    }
    expect(seen[0]).toMatchObject({ businessName: 'Happy Paws Berlin', seenAt: t.clock.now().toISOString() });
  });

  it("shows a business's owner their own workers exactly and by name, other businesses' approximately; admins everything", async () => {
    await bothOnline();
    const own = await list(m.owner);
    expect(byBusiness(own, m.businessId)).toMatchObject({
      lng: MITTE.lng,
      lat: MITTE.lat,
      approximate: false,
      worker: { id: m.worker.workerId, firstName: 'Wendy', lastName: 'Walker' },
    });
    // The index's own distance (spheroid in PostGIS, sphere in Redis): metres, not 100 m steps.
    expect(Math.abs(byBusiness(own, m.businessId)!.distanceMeters - haversineMeters(here, MITTE))).toBeLessThan(3);
    expect(byBusiness(own, m.otherBusinessId)).toMatchObject({ ...snapToGrid(EAST), approximate: true, worker: null });

    const admin = await list(m.admin);
    expect(admin.map((w) => [w.approximate, w.worker?.id])).toEqual([
      [false, m.worker.workerId],
      [false, m.otherWorker.workerId],
    ]);
    expect(byBusiness(admin, m.otherBusinessId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });
    expect((await nearby(t, null, here)).statusCode).toBe(401);
  });

  it('lists only online workers within the radius, of verified businesses, offering the service type', async () => {
    await bothOnline();
    const ids = async (query: Record<string, string | number>) => (await list(m.petOwner, query)).map((w) => w.businessId);
    expect(await ids({ ...here, serviceType: 'walking' })).toEqual([m.businessId]);
    expect(await ids({ ...here, serviceType: 'grooming' })).toEqual([m.otherBusinessId]);
    expect(await ids({ ...here, serviceType: 'boarding' })).toEqual([]);
    // EAST is ~1.2 km from here, MITTE ~350 m.
    expect(await ids({ ...here, radius: 800 })).toEqual([m.businessId]);
    expect(await ids({ ...here, limit: 1 })).toEqual([m.businessId]);

    await t.db.update(businesses).set({ verificationStatus: 'suspended' }).where(eq(businesses.id, m.otherBusinessId));
    try {
      expect(await ids(here)).toEqual([m.businessId]);
    } finally {
      await t.db.update(businesses).set({ verificationStatus: 'verified' }).where(eq(businesses.id, m.otherBusinessId));
    }
    expect((await goOffline(t, m.worker)).statusCode).toBe(200);
    expect(await ids(here)).toEqual([m.otherBusinessId]);
    expect((await nearby(t, m.petOwner, { ...here, radius: 50_001 })).statusCode).toBe(400);
  });

  it('leaves out a worker on a walk in progress', async () => {
    await bothOnline();
    const booking = await bookingInState(t, m, 'confirmed', berlin(TOMORROW, '10:00'));
    await t.db.update(bookings).set({ status: 'in_progress', workerId: m.worker.workerId }).where(eq(bookings.id, booking.id));
    try {
      expect((await list(m.petOwner)).map((w) => w.businessId)).toEqual([m.otherBusinessId]);
      expect((await list(m.owner)).map((w) => w.businessId)).toEqual([m.otherBusinessId]);
      // The managers' team view: their own workers only, walking ones included and marked.
      const team = await list(m.owner, { ...here, team: 'true' });
      expect(team.map((w) => [w.worker?.id, w.onWalk, w.approximate])).toEqual([[m.worker.workerId, true, false]]);
      expect(await list(m.petOwner, { ...here, team: 'true' })).toEqual([]);
    } finally {
      await t.db.update(bookings).set({ status: 'cancelled' }).where(eq(bookings.id, booking.id));
    }
    expect((await list(m.petOwner)).map((w) => w.businessId)).toEqual([m.businessId, m.otherBusinessId]);
  });
});

describe('tracking.presence-sweep', () => {
  it('takes workers silent for 5 minutes offline and out of the nearby list', async () => {
    await goOnline(t, m.worker, { location: fix(t, MITTE) });
    await goOnline(t, m.otherWorker, { location: fix(t, EAST) });
    t.clock.advance(4 * MINUTE);
    expect((await sendLocation(t, m.otherWorker, fix(t, EAST))).statusCode).toBe(200);
    t.clock.advance(MINUTE);
    await runSweep(t);
    // Exactly 5 minutes since the worker's last position: still live.
    expect((await presenceOf(t, m.worker.workerId))!.online).toBe(true);
    expect((await nearby(t, m.admin, { lat: MITTE.lat, lng: MITTE.lng })).json().data).toHaveLength(2);

    t.clock.advance(SECOND);
    // Out of the index at once, before any sweep ran.
    expect((await nearby(t, m.admin, { lat: MITTE.lat, lng: MITTE.lng })).json().data.map((w: NearbyWorker) => w.worker!.id)).toEqual([m.otherWorker.workerId]);
    await runSweep(t);
    expect((await presenceOf(t, m.worker.workerId))!.online).toBe(false);
    expect((await presenceOf(t, m.otherWorker.workerId))!.online).toBe(true);
    // Offline now: a position needs going online first.
    expect((await sendLocation(t, m.worker, fix(t))).statusCode).toBe(409);
  });

  it('is enqueued when the app starts with job workers', async () => {
    const jobs = async () =>
      rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'tracking.presence-sweep'`))[0]!.n;
    const before = await jobs();
    const withWorkers = await createTestApp({ env: { JOB_WORKERS: 'true' }, sameDatabaseAs: t });
    try {
      expect(await jobs()).toBe(before + 1);
    } finally {
      await withWorkers.close();
    }
  });
});

describe('socket', () => {
  let url: string;
  const sockets: LiveClient[] = [];
  const open = async (token: string) => {
    const socket = await connect(url, token);
    sockets.push(socket);
    return socket;
  };
  beforeAll(async () => {
    url = await listen(t);
  });
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
  });

  it('location:update is acknowledged with the same rules as HTTP', async () => {
    const worker = await open(m.worker.accessToken);
    const offline = await worker.timeout(5_000).emitWithAck('location:update', fix(t));
    expect(offline).toMatchObject({ success: false, error: { code: 'CONFLICT' } });

    expect((await goOnline(t, m.worker)).statusCode).toBe(200);
    const accepted = await worker.timeout(5_000).emitWithAck('location:update', fix(t, EAST));
    expect(accepted).toEqual({ success: true, data: { accepted: true, recorded: false } });
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });

    // HTTP and socket share the worker's second.
    const limited = await sendLocation(t, m.worker, fix(t, MITTE));
    expect(limited.statusCode).toBe(429);
    const again = await worker.timeout(5_000).emitWithAck('location:update', fix(t, MITTE));
    expect(again).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });

    t.clock.advance(SECOND);
    const invalid = await worker.timeout(5_000).emitWithAck('location:update', fix(t, MITTE, { lat: -91 }));
    expect(invalid).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', details: [{ path: 'payload.lat' }] } });
    const future = await worker
      .timeout(5_000)
      .emitWithAck('location:update', fix(t, MITTE, { recordedAt: new Date(t.clock.now().getTime() + MINUTE).toISOString() }));
    expect(future).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', details: [{ path: 'payload.recordedAt' }] } });
    expect(await presenceOf(t, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });
  });

  it('location:update from someone who is not a worker is FORBIDDEN', async () => {
    for (const caller of [m.petOwner, m.owner]) {
      const socket = await open(caller.accessToken);
      const ack = await socket.timeout(5_000).emitWithAck('location:update', fix(t));
      expect(ack).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it("tells the business's managers when its worker goes online, moves (every 5 s at most), goes offline and goes stale", async () => {
    const manager = await open(m.owner.accessToken);
    const otherManager = await open(m.otherOwner.accessToken);
    const worker = await open(m.worker.accessToken);
    const base = { workerId: m.worker.workerId, businessId: m.businessId };

    const first = fix(t, MITTE);
    await goOnline(t, m.worker, { location: first });
    await eventually(() => manager.presence.length === 1, 'online');
    expect(manager.presence[0]).toEqual({ ...base, online: true, location: { lng: MITTE.lng, lat: MITTE.lat, at: first.recordedAt, accuracyM: 8 } });

    // A move 1 s later is not told; one 5 s after the last broadcast is.
    t.clock.advance(SECOND);
    expect(await worker.timeout(5_000).emitWithAck('location:update', fix(t, EAST))).toMatchObject({ success: true });
    t.clock.advance(4 * SECOND);
    const later = fix(t, { lng: 13.39, lat: 52.532 }, { accuracyM: 5 });
    expect(await worker.timeout(5_000).emitWithAck('location:update', later)).toMatchObject({ success: true });
    await eventually(() => manager.presence.length === 2, 'move');
    expect(manager.presence[1]).toEqual({ ...base, online: true, location: { lng: 13.39, lat: 52.532, at: later.recordedAt, accuracyM: 5 } });

    await goOffline(t, m.worker);
    await eventually(() => manager.presence.length === 3, 'offline');
    expect(manager.presence[2]).toEqual({ ...base, online: false, location: null });

    await goOnline(t, m.worker);
    await eventually(() => manager.presence.length === 4, 'online again');
    expect(manager.presence[3]).toEqual({ ...base, online: true, location: null });
    t.clock.advance(5 * MINUTE + SECOND);
    await runSweep(t);
    await eventually(() => manager.presence.length === 5, 'stale');
    expect(manager.presence[4]).toEqual({ ...base, online: false, location: null });

    await sleep(50);
    expect(otherManager.presence).toEqual([]);
    expect(worker.presence).toEqual([]);
  });
});
