import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/platform/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { redisProxy, until, type RedisProxy } from '../support/redis-proxy.js';
import { closeAll, connect, next, record, sleep, type ClientSocket } from '../scaled/sockets.js';

/**
 * Runs when TEST_REDIS_URL is set: a session revoked on one API instance ends on the other too, for
 * HTTP at once (the database says so) and for the sockets connected there (told through the Redis
 * adapter, or, when Redis was away meanwhile, as soon as it is back). Redis is reached through a proxy
 * that the outage test cuts.
 */
const url = process.env.TEST_REDIS_URL!;
let proxy: RedisProxy;
let a: TestApp;
let b: TestApp;
let baseB: string;
const clients: Redis[] = [];

const up = (t: TestApp) => t.app.platform.redis!.isUp();
beforeAll(async () => {
  proxy = await redisProxy(url);
  clients.push(createRedis(proxy.url)!, createRedis(proxy.url)!);
  a = await createTestApp({ env: { REDIS_URL: proxy.url }, redis: clients[0] });
  b = await createTestApp({ env: { REDIS_URL: proxy.url }, redis: clients[1], sameDatabaseAs: a });
  baseB = await b.app.listen({ port: 0, host: '127.0.0.1' });
  await until(() => up(a) && up(b), 'both instances to connect');
});
afterEach(async () => {
  closeAll();
  await proxy.restore().catch(() => {});
  await until(() => up(a) && up(b), 'both instances to reconnect');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await Promise.all(clients.map((c) => c.quit().catch(() => {})));
  await proxy?.close();
});

/** A user signed in twice, with a socket on instance B for each session. */
async function twoSessionsOnB() {
  const user = await a.newUser();
  const otherDevice = await a.login(user.email, user.password);
  const stolen = await connect(baseB, user.accessToken);
  const other = await connect(baseB, otherDevice.accessToken);
  return { user, otherDevice, stolen, other, otherEnded: record(other, 'session:expired') };
}

/** Presents a used refresh token on A (after rotating it once): reuse detection revokes its family. */
async function reuseOnA(refreshCookie: string) {
  const refresh = () => a.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: refreshCookie } });
  expect((await refresh()).statusCode).toBe(200);
  expect((await refresh()).statusCode).toBe(401);
}

/** B refuses the family's token and takes the other session's; the stolen socket hears nothing more, the other one does. */
async function expectEndedOnB(s: Awaited<ReturnType<typeof twoSessionsOnB>>, stolen: ClientSocket) {
  const onB = await b.app.inject({ url: '/v1/users/me', headers: b.bearer(s.user.accessToken) });
  expect([onB.statusCode, onB.json().error.code]).toEqual([401, 'TOKEN_INVALID']);
  expect((await b.app.inject({ url: '/v1/users/me', headers: b.bearer(s.otherDevice.accessToken) })).statusCode).toBe(200);
  const stolenSaw = record(stolen, 'notification:count');
  const heard = next(s.other, 'notification:count', 5000, (p) => p.unreadCount === 5);
  a.app.platform.realtime.toUser(s.user.id, 'notification:count', { unreadCount: 5 });
  expect(await heard).toEqual({ unreadCount: 5 });
  // The same broadcast reached B's other socket; give the stolen one as long again.
  await sleep(200);
  expect(stolenSaw).toEqual([]);
  expect(s.otherEnded).toEqual([]);
}

describe('a session revoked on instance A', () => {
  it('reuse detected on A: B refuses the family’s token and its socket on B is told and hears nothing more; another session on B goes on', async () => {
    const s = await twoSessionsOnB();
    const told = next(s.stolen, 'session:expired');
    await reuseOnA(s.user.refreshCookie);
    expect(await told).toMatchObject({ reason: 'ended' });
    await expectEndedOnB(s, s.stolen);
  });

  it('while Redis is away: B refuses the token at once, and the socket on B is signed out as soon as Redis is back', async () => {
    const s = await twoSessionsOnB();
    const told = next(s.stolen, 'session:expired', 30_000);
    await proxy.cut();
    await until(() => !up(a) && !up(b), 'both instances to notice that Redis is gone');
    await reuseOnA(s.user.refreshCookie);
    const onB = await b.app.inject({ url: '/v1/users/me', headers: b.bearer(s.user.accessToken) });
    expect([onB.statusCode, onB.json().error.code]).toEqual([401, 'TOKEN_INVALID']);
    await proxy.restore();
    await until(() => up(a) && up(b), 'both instances to reconnect');
    expect(await told).toMatchObject({ reason: 'ended' });
    // A's broadcasts reach B again once B's subscriber is back.
    await until(async () => {
      const probe = next(s.other, 'notification:count', 300, (p) => p.unreadCount === -2).then(
        () => true,
        () => false,
      );
      a.app.platform.realtime.toUser(s.user.id, 'notification:count', { unreadCount: -2 });
      return probe;
    }, 'broadcasts from A to reach B again');
    await expectEndedOnB(s, s.stolen);
  }, 60_000);
});
