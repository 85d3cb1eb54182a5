import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedis, createRedisLink } from '../../src/platform/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { redisProxy, until, type RedisProxy } from '../support/redis-proxy.js';
import { closeAll, connect, next, record, sleep } from '../scaled/sockets.js';

/**
 * Runs when TEST_REDIS_URL is set: two API instances whose Redis goes away and comes back (a proxy in
 * front of the shared test Redis is cut and restored), as docs/api/live.md "When Redis is away" says.
 */
const url = process.env.TEST_REDIS_URL!;
let proxy: RedisProxy;
let a: TestApp;
let b: TestApp;
let direct: Redis;
const clients: Redis[] = [];
const rejections: unknown[] = [];
const onRejection = (err: unknown) => void rejections.push(err);

const up = (t: TestApp) => t.app.platform.redis!.isUp();
async function outage() {
  await proxy.cut();
  await until(() => !up(a) && !up(b), 'both instances to notice that Redis is gone');
}
async function recovery() {
  await proxy.restore();
  await until(() => up(a) && up(b), 'both instances to reconnect');
}
/** Each call its own client address, so that no other request (nor test file) shares its counts. */
const address = () => `10.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 255)}`;

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  direct = new Redis(url);
  proxy = await redisProxy(url);
  // The clients production makes (createRedis): no offline queue, no retries.
  clients.push(createRedis(proxy.url)!, createRedis(proxy.url)!);
  const env = { REDIS_URL: proxy.url, AUTH_RATE_LIMIT_MAX: '3' };
  a = await createTestApp({
    env,
    clientAddress: address(),
    redis: clients[0],
    // A use of Redis with no fallback of its own, as a new feature might add one.
    routes: (app) => app.get('/test/redis-without-fallback', async () => ({ value: await app.platform.redis!.client.get('wd:test:nothing') })),
  });
  b = await createTestApp({ env, redis: clients[1], sameDatabaseAs: a, clientAddress: address() });
  await until(() => up(a) && up(b), 'both instances to connect');
});
afterEach(async () => {
  closeAll();
  // A failed test must not leave the next one without Redis.
  if (!up(a) || !up(b)) await recovery();
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await Promise.all([...clients, direct].map((c) => c.quit()));
  await proxy?.close();
  process.off('unhandledRejection', onRejection);
});

describe('while Redis is away', () => {
  it('readiness says degraded with the reason (200), health stays 200, and both are back to ok after', async () => {
    expect((await a.app.inject('/readyz')).json()).toMatchObject({ status: 'ok', redis: 'up' });
    expect((await a.app.inject('/metrics')).body).toMatch(/^redis_up 1$/m);
    await outage();
    const ready = await a.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', redis: 'down', pendingMigrations: 0, reasons: [expect.stringMatching(/^redis: /)] });
    expect((await a.app.inject('/healthz')).statusCode).toBe(200);
    expect((await a.app.inject('/metrics')).body).toMatch(/^redis_up 0$/m);
    await recovery();
    expect((await a.app.inject('/readyz')).json()).toEqual({ status: 'ok', database: a.database.kind, pendingMigrations: 0, redis: 'up' });
    expect((await a.app.inject('/metrics')).body).toMatch(/^redis_up 1$/m);
  });

  it('rate limits are counted per instance, and shared again once Redis is back', async () => {
    const forgot = (t: TestApp, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', remoteAddress, payload: { email: 'outage@example.com' } }).then((r) => r.statusCode);
    const alternating = async (remoteAddress: string) => [
      await forgot(a, remoteAddress),
      await forgot(b, remoteAddress),
      await forgot(a, remoteAddress),
      await forgot(b, remoteAddress),
    ];
    // AUTH_RATE_LIMIT_MAX=3: shared, the fourth request (on either instance) is refused.
    expect(await alternating(address())).toEqual([202, 202, 202, 429]);

    await outage();
    const during = address();
    const onA = [await forgot(a, during), await forgot(a, during), await forgot(a, during), await forgot(a, during)];
    const onB = [await forgot(b, during), await forgot(b, during), await forgot(b, during), await forgot(b, during)];
    expect(onA).toEqual([202, 202, 202, 429]);
    expect(onB).toEqual([202, 202, 202, 429]);

    await recovery();
    const after = address();
    expect(await alternating(after)).toEqual([202, 202, 202, 429]);
    expect(await direct.get(`wd-rl:POST/v1/auth/forgot-password-${after}`)).toBe('4');
  });

  it('a Redis failure nothing handles answers 503 with Retry-After, not 500; a dropped one is no unhandled rejection', async () => {
    expect((await a.app.inject('/test/redis-without-fallback')).json()).toEqual({ value: null });
    await outage();
    const res = await a.app.inject('/test/redis-without-fallback');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ success: false, error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
    // Fire and forget, as the Socket.IO adapter publishes.
    for (let i = 0; i < 20; i++) void a.app.platform.redis!.client.publish('wd:test', 'dropped');
    await sleep(50);
    expect(rejections).toEqual([]);
    await recovery();
    expect((await a.app.inject('/test/redis-without-fallback')).statusCode).toBe(200);
  });

  it('live events reach sockets on the same instance, and the other instance again once Redis is back', async () => {
    const user = await a.newUser();
    const [baseA, baseB] = [await a.app.listen({ port: 0, host: '127.0.0.1' }), await b.app.listen({ port: 0, host: '127.0.0.1' })];
    const onA = await connect(baseA, user.accessToken);
    const onB = await connect(baseB, user.accessToken);
    const bookingId = crypto.randomUUID();
    await a.app.platform.realtime.namespace.sockets.get(onA.id!)!.join(`booking:${bookingId}`);

    await outage();
    const seenOnB = record(onB, 'notification:count');
    const local = next(onA, 'notification:count');
    a.app.platform.realtime.toUser(user.id, 'notification:count', { unreadCount: 7 });
    expect(await local).toEqual({ unreadCount: 7 });
    // Telling the other instances fails quietly; this one still hears it.
    const heard: unknown[] = [];
    a.app.platform.realtime.onServer('test:outage', (payload) => heard.push(payload));
    a.app.platform.realtime.broadcastServer('test:outage', { n: 1 });
    expect(heard).toEqual([{ n: 1 }]);
    // Emptying a booking's room works on this instance without Redis.
    a.app.platform.realtime.closeBookingRoom(bookingId);
    expect(a.app.platform.realtime.namespace.sockets.get(onA.id!)!.rooms.has(`booking:${bookingId}`)).toBe(false);
    await sleep(100);
    expect(seenOnB).toEqual([]);

    await recovery();
    // The subscriber resubscribes by itself; keep sending until the other instance hears it.
    let n = 0;
    await until(() => {
      a.app.platform.realtime.toUser(user.id, 'notification:count', { unreadCount: ++n });
      return seenOnB.length > 0;
    }, 'a broadcast from A to reach the socket on B');
    expect(seenOnB[0]).toEqual({ unreadCount: expect.any(Number) });
  });
});

describe('an instance whose Redis is away', () => {
  it('starts and serves without it, uses it once it comes, and closes without waiting for it', async () => {
    const own = await redisProxy(url);
    await own.cut();
    const client = createRedis(own.url)!;
    const c = await createTestApp({ env: { REDIS_URL: own.url }, redis: client, sameDatabaseAs: a });
    try {
      const ready = await c.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'degraded', redis: 'down' });
      const user = await c.newUser();
      expect((await c.app.inject({ url: '/v1/users/me', headers: c.bearer(user.accessToken) })).statusCode).toBe(200);

      await own.restore();
      await until(() => up(c), 'the instance to connect');
      expect((await c.app.inject('/readyz')).json()).toMatchObject({ status: 'ok', redis: 'up' });
      const remoteAddress = address();
      expect((await c.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', remoteAddress, payload: { email: 'late@example.com' } })).statusCode).toBe(
        202,
      );
      expect(await direct.get(`wd-rl:POST/v1/auth/forgot-password-${remoteAddress}`)).toBe('1');

      await own.cut();
      await until(() => !up(c), 'the instance to notice');
    } finally {
      await c.close();
      await client.quit().catch(() => client.disconnect());
      await own.close();
    }
  });
});

describe('the Redis link', () => {
  it('logs an outage once and the return once, however many commands fail meanwhile, and fails them at once', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const log = { warn: (_obj: object, msg: string) => void warnings.push(msg), info: (_obj: object, msg: string) => void infos.push(msg) };
    const link = createRedisLink(createRedis(proxy.url)!, { log, owned: true });
    link.pubSub();
    try {
      await until(() => link.isUp(), 'the link to connect');
      expect(link.problem()).toBeNull();
      await proxy.cut();
      await until(() => !link.isUp(), 'the link to notice');
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => link.client.get(`wd:test:${i}`)));
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      expect(link.problem()).toMatch(/^redis: /);
      // Reconnection attempts fail meanwhile (each an 'error' event): still one warning.
      await sleep(1_500);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^Redis is unavailable/);
      await proxy.restore();
      await until(() => link.isUp(), 'the link to reconnect');
      expect(infos).toEqual([expect.stringMatching(/^Redis is back/)]);
      expect(warnings).toHaveLength(1);
      expect(await link.client.set('wd:test:link', '1', 'PX', 1_000)).toBe('OK');
    } finally {
      await link.close();
    }
  });
});
