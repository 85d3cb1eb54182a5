import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeAll, connect, next, record, sleep } from '../scaled/sockets.js';

/**
 * Runs when TEST_REDIS_URL is set: a session revoked on one API instance ends at once on the other too,
 * for HTTP (the database says so) and for the sockets connected there (told through the Redis adapter).
 */
const url = process.env.TEST_REDIS_URL!;
let a: TestApp;
let b: TestApp;
let baseB: string;
const clients: Redis[] = [];

beforeAll(async () => {
  clients.push(new Redis(url), new Redis(url));
  a = await createTestApp({ env: { REDIS_URL: url }, redis: clients[0] });
  b = await createTestApp({ env: { REDIS_URL: url }, redis: clients[1], sameDatabaseAs: a });
  baseB = await b.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(() => closeAll());
afterAll(async () => {
  await b.close();
  await a.close();
  await Promise.all(clients.map((c) => c.quit()));
});

describe('a session revoked on instance A', () => {
  it('reuse detected on A: B refuses the family’s token and its socket on B is told and hears nothing more; another session on B goes on', async () => {
    const user = await a.newUser();
    const otherDevice = await a.login(user.email, user.password);
    const stolen = await connect(baseB, user.accessToken);
    const other = await connect(baseB, otherDevice.accessToken);
    const otherEnded = record(other, 'session:expired');
    const refresh = () => a.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: user.refreshCookie } });
    expect((await refresh()).statusCode).toBe(200);
    const told = next(stolen, 'session:expired');
    expect((await refresh()).statusCode).toBe(401);
    expect(await told).toMatchObject({ reason: 'ended' });

    const onB = await b.app.inject({ url: '/v1/users/me', headers: b.bearer(user.accessToken) });
    expect([onB.statusCode, onB.json().error.code]).toEqual([401, 'TOKEN_INVALID']);
    expect((await b.app.inject({ url: '/v1/users/me', headers: b.bearer(otherDevice.accessToken) })).statusCode).toBe(200);

    const stolenSaw = record(stolen, 'notification:count');
    const heard = next(other, 'notification:count');
    a.app.platform.realtime.toUser(user.id, 'notification:count', { unreadCount: 5 });
    expect(await heard).toEqual({ unreadCount: 5 });
    // The same broadcast reached B's other socket; give the stolen one as long again.
    await sleep(200);
    expect(stolenSaw).toEqual([]);
    expect(otherEnded).toEqual([]);
  });
});
