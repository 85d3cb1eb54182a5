import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NearbyWorker } from '@walkydoggy/shared';
import { GEO_KEY, SEEN_KEY } from '../../src/platform/live-index.js';
import { createRedis } from '../../src/platform/redis.js';
import { presenceOfApp } from '../../src/modules/tracking/presence.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { redisProxy, until, type RedisProxy } from '../support/redis-proxy.js';
import { EAST, MITTE, fix, flushPresence, goOffline, goOnline, nearby, presenceWorld, resetPresence, sendLocation } from './presence.fixtures.js';

/**
 * Runs when TEST_REDIS_URL is set: presence and the live index of two instances while their Redis
 * (a proxy in front of the test Redis) is away, and after it is back (docs/api/live.md, "When Redis is away").
 */
const url = process.env.TEST_REDIS_URL!;
let proxy: RedisProxy;
let a: TestApp;
let b: TestApp;
let m: Marketplace;
let direct: Redis;
const clients: Redis[] = [];

const up = (t: TestApp) => t.app.platform.redis!.isUp();
const ids = () => [m.worker.workerId, m.otherWorker.workerId];
/** What the GEO set holds for a worker, straight from Redis: [lng, lat] or null. */
const indexed = async (workerId: string) => {
  const [pos] = await direct.geopos(GEO_KEY, workerId);
  return pos ? pos.map(Number) : null;
};
const near = async (t: TestApp) => {
  await flushPresence(a, b);
  const res = await nearby(t, m.admin, { ...MITTE, radius: 10_000 });
  expect(res.statusCode).toBe(200);
  // Redis GEO keeps positions to about 0.5 m: five decimals.
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  return (res.json().data as NearbyWorker[]).map((w) => ({ workerId: w.worker?.id, lng: round(w.lng), lat: round(w.lat) }));
};

beforeAll(async () => {
  direct = new Redis(url);
  proxy = await redisProxy(url);
  clients.push(createRedis(proxy.url)!, createRedis(proxy.url)!);
  a = await createTestApp({ env: { REDIS_URL: proxy.url }, redis: clients[0] });
  b = await createTestApp({ env: { REDIS_URL: proxy.url }, redis: clients[1], sameDatabaseAs: a });
  m = await presenceWorld(a);
  await until(() => up(a) && up(b), 'both instances to connect');
  b.clock.set(a.clock.now());
});
afterEach(async () => {
  if (!up(a) || !up(b)) {
    await proxy.restore();
    await until(() => up(a) && up(b), 'both instances to reconnect');
  }
  presenceOfApp(b.app.platform.realtime)!.forget();
  await resetPresence(a);
  await direct
    .multi()
    .zrem(GEO_KEY, ...ids())
    .zrem(SEEN_KEY, ...ids())
    .exec();
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await Promise.all([...clients, direct].map((c) => c.quit()));
  await proxy?.close();
});

describe('presence while Redis is away', () => {
  it('keeps answering nearby from PostgreSQL, and Redis answers again only once it is in step (no stale entry, nobody missing)', async () => {
    expect((await goOnline(a, m.worker, { location: fix(a, MITTE) })).statusCode).toBe(200);
    expect(await indexed(m.worker.workerId)).not.toBeNull();

    await proxy.cut();
    await until(() => !up(a) && !up(b), 'both instances to notice that Redis is gone');
    expect(await near(a)).toEqual([{ workerId: m.worker.workerId, lng: MITTE.lng, lat: MITTE.lat }]);

    // Changes Redis cannot hear: one worker goes offline, the other comes online and moves.
    expect((await goOffline(a, m.worker)).statusCode).toBe(200);
    expect((await goOnline(b, m.otherWorker, { location: fix(b, MITTE) })).statusCode).toBe(200);
    b.clock.advance(1_000);
    expect((await sendLocation(b, m.otherWorker, fix(b, EAST))).statusCode).toBe(200);
    expect(await near(a)).toEqual([{ workerId: m.otherWorker.workerId, lng: EAST.lng, lat: EAST.lat }]);
    expect(await near(b)).toEqual([{ workerId: m.otherWorker.workerId, lng: EAST.lng, lat: EAST.lat }]);
    // Redis still holds the worker who left: it must not count once Redis is back.
    expect(await indexed(m.worker.workerId)).not.toBeNull();
    expect(await indexed(m.otherWorker.workerId)).toBeNull();

    await proxy.restore();
    await until(() => up(a) && up(b), 'both instances to reconnect');
    expect(await near(a)).toEqual([{ workerId: m.otherWorker.workerId, lng: EAST.lng, lat: EAST.lat }]);
    // The answer came from a GEO set brought in step with worker_presence.
    expect(await indexed(m.worker.workerId)).toBeNull();
    const [lng, lat] = (await indexed(m.otherWorker.workerId))!;
    expect(lng).toBeCloseTo(EAST.lng, 5);
    expect(lat).toBeCloseTo(EAST.lat, 5);
    expect(await near(b)).toEqual([{ workerId: m.otherWorker.workerId, lng: EAST.lng, lat: EAST.lat }]);
  });

  it('accepts live updates, one a second per worker on each instance, and a worker who came online elsewhere is not refused', async () => {
    await proxy.cut();
    await until(() => !up(a) && !up(b), 'both instances to notice that Redis is gone');
    expect((await sendLocation(b, m.worker, fix(b))).statusCode).toBe(409);
    // Going online on A cannot reach B now: B must not have cached the "offline" it just read.
    expect((await goOnline(a, m.worker)).statusCode).toBe(200);
    b.clock.set(a.clock.now());
    expect((await sendLocation(b, m.worker, fix(b, MITTE))).statusCode).toBe(200);
    const limited = await sendLocation(b, m.worker, fix(b, EAST));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    // Without Redis each instance keeps its own second.
    expect((await sendLocation(a, m.worker, fix(a, EAST))).statusCode).toBe(200);

    await proxy.restore();
    await until(() => up(a) && up(b), 'both instances to reconnect');
    // Shared again: of two updates in one second on two instances, one is accepted.
    a.clock.advance(1_000);
    b.clock.set(a.clock.now());
    expect((await sendLocation(a, m.worker, fix(a, MITTE))).statusCode).toBe(200);
    expect((await sendLocation(b, m.worker, fix(b, EAST))).statusCode).toBe(429);
  });
});
