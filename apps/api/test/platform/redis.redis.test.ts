import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp, type TestApp } from '../support/app.js';

/** Runs when TEST_REDIS_URL is set (CI): two API instances sharing one Redis behave as one. */
const url = process.env.TEST_REDIS_URL!;
let a: TestApp;
let b: TestApp;
const clients: Redis[] = [];

beforeAll(async () => {
  const env = { AUTH_RATE_LIMIT_MAX: '3', REDIS_URL: url };
  clients.push(new Redis(url), new Redis(url));
  a = await createTestApp({ env, redis: clients[0] });
  b = await createTestApp({ env, redis: clients[1], sameDatabaseAs: a });
});
afterAll(async () => {
  await b.close();
  await a.close();
  await Promise.all(clients.map((c) => c.quit()));
});

describe('rate limits in Redis', () => {
  it('counts requests across API instances', async () => {
    // An address of its own: other test files' requests on the shared test Redis do not count with it.
    const remoteAddress = `10.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 255)}`;
    const forgot = (t: TestApp) => t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', remoteAddress, payload: { email: 'shared@example.com' } });
    const codes = [(await forgot(a)).statusCode, (await forgot(b)).statusCode, (await forgot(a)).statusCode, (await forgot(b)).statusCode];
    expect(codes).toEqual([202, 202, 202, 429]);
    expect((await forgot(a)).json().error.code).toBe('RATE_LIMITED');
    expect(await clients[0]!.keys('wd-rl:*')).not.toHaveLength(0);
  });
});
