import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NearbyWorker } from '@walkydoggy/shared';
import { GEO_KEY, SEEN_KEY } from '../../src/platform/live-index.js';
import { presenceOfApp } from '../../src/modules/tracking/presence.service.js';
import { snapToGrid } from '../../src/modules/tracking/presence.nearby.js';
import { locationKey, windowOf } from '../../src/modules/tracking/presence.limiter.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import {
  EAST,
  MITTE,
  connect,
  eventually,
  fix,
  goOffline,
  goOnline,
  listen,
  nearby,
  presenceOf as presenceRowOf,
  flushPresence,
  presenceWorld,
  resetPresence,
  runSweep,
  sendLocation,
  type LiveClient,
} from './presence.fixtures.js';

/** Runs when TEST_REDIS_URL is set: the live index and the rate limit in Redis, shared by two API instances. */
const url = process.env.TEST_REDIS_URL!;
let a: TestApp;
let b: TestApp;
let m: Marketplace;
let redis: Redis;
const clients: Redis[] = [];
const sockets: LiveClient[] = [];

beforeAll(async () => {
  redis = new Redis(url);
  clients.push(new Redis(url), new Redis(url));
  a = await createTestApp({ env: { REDIS_URL: url }, redis: clients[0] });
  b = await createTestApp({ env: { REDIS_URL: url }, redis: clients[1], sameDatabaseAs: a });
  m = await presenceWorld(a);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  const ids = [m.worker.workerId, m.otherWorker.workerId];
  await redis
    .multi()
    .zrem(GEO_KEY, ...ids)
    .zrem(SEEN_KEY, ...ids)
    .exec();
  await b.close();
  await a.close();
  await Promise.all([...clients, redis].map((c) => c.quit()));
});
beforeEach(async () => {
  // Two instances, one time: positions are dated on a's clock.
  b.clock.set(a.clock.now());
  // Both instances cache who is online: forget it with the rows.
  presenceOfApp(b.app.platform.realtime)!.forget();
  await resetPresence(a);
  const ids = [m.worker.workerId, m.otherWorker.workerId];
  await redis
    .multi()
    .zrem(GEO_KEY, ...ids)
    .zrem(SEEN_KEY, ...ids)
    .del(...ids.map((id) => locationKey(id, windowOf(a.clock.now()))))
    .exec();
});

const MINUTE = 60_000;
// Positions reach the index and the table in batches: flush both instances' first.
const position = async (workerId: string) => {
  await flushPresence(a, b);
  return (await redis.geopos(GEO_KEY, workerId))[0];
};
const presenceOf = async (_t: TestApp, workerId: string) => {
  await flushPresence(a, b);
  return presenceRowOf(a, workerId);
};

describe('presence with Redis', () => {
  it('keeps positions in the GEO set with their seen time, and takes them out when the worker goes offline', async () => {
    expect((await goOnline(a, m.worker, { location: fix(a, MITTE) })).statusCode).toBe(200);
    const [lng, lat] = (await position(m.worker.workerId))!;
    expect(Number(lng)).toBeCloseTo(MITTE.lng, 5);
    expect(Number(lat)).toBeCloseTo(MITTE.lat, 5);
    expect(Number(await redis.zscore(SEEN_KEY, m.worker.workerId))).toBe(a.clock.now().getTime());

    a.clock.advance(2_000);
    expect((await sendLocation(a, m.worker, fix(a, EAST))).statusCode).toBe(200);
    expect(Number((await position(m.worker.workerId))![0])).toBeCloseTo(EAST.lng, 5);
    expect(Number(await redis.zscore(SEEN_KEY, m.worker.workerId))).toBe(a.clock.now().getTime());
    // worker_presence holds the position in this mode too.
    expect(await presenceOf(a, m.worker.workerId)).toMatchObject({ online: true, lng: EAST.lng, lat: EAST.lat });

    expect((await goOffline(b, m.worker)).statusCode).toBe(200);
    expect(await position(m.worker.workerId)).toBeNull();
    expect(await redis.zscore(SEEN_KEY, m.worker.workerId)).toBeNull();
  });

  it('shares the one-a-second limit between instances (SET NX per window); refused updates claim nothing', async () => {
    const key = locationKey(m.worker.workerId, windowOf(a.clock.now()));
    expect((await sendLocation(a, m.worker, fix(a))).statusCode).toBe(409);
    expect(await redis.exists(key)).toBe(0);
    expect((await goOnline(a, m.worker)).statusCode).toBe(200);

    expect((await sendLocation(b, m.worker, fix(a, { lng: 13.38, lat: 52.531 }, { lat: -91 }))).statusCode).toBe(400);
    expect(await redis.exists(key)).toBe(0);

    expect((await sendLocation(a, m.worker, fix(a, MITTE))).statusCode).toBe(200);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
    const limited = await sendLocation(b, m.worker, fix(a, EAST));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(await presenceOf(a, m.worker.workerId)).toMatchObject({ lng: MITTE.lng, lat: MITTE.lat });
    expect(Number((await position(m.worker.workerId))![0])).toBeCloseTo(MITTE.lng, 5);

    // The next second of the clock (both instances') is a new window.
    a.clock.advance(1_000);
    b.clock.advance(1_000);
    expect((await sendLocation(b, m.worker, fix(b, EAST))).statusCode).toBe(200);
    expect(await presenceOf(a, m.worker.workerId)).toMatchObject({ lng: EAST.lng, lat: EAST.lat });
  });

  it('answers nearby from the GEO set, with the same privacy rules', async () => {
    await goOnline(a, m.worker, { location: fix(a, MITTE) });
    await goOnline(a, m.otherWorker, { location: fix(a, EAST) });
    // Proof that the answer comes from Redis: the table's copy is moved far away.
    await a.db.execute(sql`update worker_presence set location = st_setsrid(st_makepoint(0, 0), 4326)::geography`);
    const here = { lat: 52.5305, lng: 13.385, radius: 5_000 };

    const own: NearbyWorker[] = (await nearby(b, m.owner, here)).json().data;
    expect(own.map((w) => w.businessId)).toEqual([m.businessId, m.otherBusinessId]);
    expect(own[0]!.lng).toBeCloseTo(MITTE.lng, 5);
    expect(own[0]).toMatchObject({ approximate: false, worker: { id: m.worker.workerId } });
    expect(own[1]).toMatchObject({ ...snapToGrid(EAST), approximate: true, worker: null });

    const owner: NearbyWorker[] = (await nearby(b, m.petOwner, { ...here, serviceType: 'grooming' })).json().data;
    expect(owner).toEqual([expect.objectContaining({ businessId: m.otherBusinessId, approximate: true, worker: null, ...snapToGrid(EAST) })]);
    expect((await nearby(b, m.petOwner, { ...here, radius: 800 })).json().data.map((w: NearbyWorker) => w.businessId)).toEqual([m.businessId]);
  });

  it('drops workers silent for 5 minutes from the index on read, and the sweep takes them offline', async () => {
    await goOnline(a, m.worker, { location: fix(a, MITTE) });
    a.clock.advance(5 * MINUTE);
    expect((await nearby(a, m.admin, MITTE)).json().data).toHaveLength(1);
    a.clock.advance(1_000);
    expect((await nearby(a, m.admin, MITTE)).json().data).toEqual([]);
    expect(await position(m.worker.workerId)).toBeNull();
    expect(await redis.zscore(SEEN_KEY, m.worker.workerId)).toBeNull();
    expect((await presenceOf(a, m.worker.workerId))!.online).toBe(true);
    await runSweep(a);
    expect((await presenceOf(a, m.worker.workerId))!.online).toBe(false);
  });

  it('reaches managers connected to another instance, and socket updates share the limit', async () => {
    const manager = await connect(await listen(b), m.owner.accessToken);
    const worker = await connect(await listen(a), m.worker.accessToken);
    sockets.push(manager, worker);
    await goOnline(a, m.worker, { location: fix(a, MITTE) });
    await eventually(() => manager.presence.length === 1, 'presence through the Redis adapter');
    expect(manager.presence[0]).toMatchObject({ workerId: m.worker.workerId, businessId: m.businessId, online: true });

    expect((await sendLocation(b, m.worker, fix(a, EAST))).statusCode).toBe(200);
    const ack = await worker.timeout(5_000).emitWithAck('location:update', fix(a, MITTE));
    expect(ack).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
  });
});
