import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Marketplace } from '../support/marketplace.js';
import { ask, closeAll, connect, next } from './sockets.js';
import { request, requestBooking, scaledWorld, startInstance, stopInstance, walkInProgress, type Instance } from './instances.js';

/**
 * Scaled mode, end to end: two real API processes on two ports, one PostgreSQL database and one
 * Redis, as a deployment behind a load balancer runs them (harness: instances.ts). Only the first runs
 * the job workers. Runs when TEST_DATABASE_URL and TEST_REDIS_URL are both set.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const RATE_LIMIT_MAX = 30;

let world: Awaited<ReturnType<typeof scaledWorld>>;
let a: Instance;
let b: Instance;
let m: Marketplace;

describe.runIf(redisUrl)('two API processes, one database, one Redis', () => {
  beforeAll(async () => {
    world = await scaledWorld();
    m = world.m;
    const start = (jobWorkers: boolean) =>
      startInstance({ dbUrl: world.dbUrl, redisUrl: redisUrl!, jobWorkers, env: { RATE_LIMIT_MAX: String(RATE_LIMIT_MAX) } });
    [a, b] = await Promise.all([start(true), start(false)]);
  }, 180_000);

  afterAll(async () => {
    closeAll();
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await world?.drop();
  });

  it('share the rate limit: requests split across both hit 429 at the shared limit', async () => {
    // A loopback address of its own, so that no other request of this file counts.
    const localAddress = `127.0.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
    const statuses: { instance: 'a' | 'b'; status: number; code?: string }[] = [];
    for (let i = 0; i < RATE_LIMIT_MAX + 6; i++) {
      const instance = i % 2 ? b : a;
      const res = await request(instance, 'GET', '/v1/users/me', { localAddress });
      statuses.push({ instance: i % 2 ? 'b' : 'a', status: res.status, code: res.body.error?.code });
    }
    // Each process alone allows RATE_LIMIT_MAX a minute; together they allowed that many, not twice as many.
    expect(statuses.slice(0, RATE_LIMIT_MAX).every((s) => s.status === 401)).toBe(true);
    expect(statuses.slice(RATE_LIMIT_MAX).map((s) => s.status)).toEqual(Array(6).fill(429));
    expect(new Set(statuses.slice(RATE_LIMIT_MAX).map((s) => s.instance))).toEqual(new Set(['a', 'b']));
    expect(statuses[RATE_LIMIT_MAX]!.code).toBe('RATE_LIMITED');
  });

  let bookingId: string;

  it('a notification delivered by a job on A reaches the user connected to B', async () => {
    const ownerOnB = await connect(b.base, m.owner.accessToken);
    const notified = next(ownerOnB, 'notification:new', 30_000, (n) => n.type === 'booking.requested');
    bookingId = await requestBooking(a, m);
    const notification = await notified;
    expect(notification).toMatchObject({ type: 'booking.requested', unreadCount: expect.any(Number) });
    expect(JSON.stringify(notification)).toContain(bookingId);
  }, 60_000);

  it("a location update sent to A reaches the owner's socket on B", async () => {
    expect(bookingId, 'the booking of the previous test').toBeTruthy();
    await walkInProgress(a, b, m, bookingId);

    const ownerOnB = await connect(b.base, m.petOwner.accessToken);
    expect(await ask(ownerOnB, 'booking:join', { bookingId })).toEqual({ success: true, data: { room: `booking:${bookingId}` } });
    const workerOnA = await connect(a.base, m.worker.accessToken);
    const updated = next(ownerOnB, 'location:updated', 15_000);
    const recordedAt = new Date().toISOString();
    const ack = await ask(workerOnA, 'location:update', { lng: 13.3815, lat: 52.5312, accuracyM: 6, recordedAt, seq: 1 });
    expect(ack).toEqual({ success: true, data: { accepted: true, recorded: true } });
    expect(await updated).toMatchObject({ bookingId, workerId: m.worker.workerId, point: { lng: 13.3815, lat: 52.5312, seq: 1 } });

    // The per-worker limit is shared: of two updates sent at once to A and to B, one is accepted.
    const workerOnB = await connect(b.base, m.worker.accessToken);
    // The limit counts per second of the clock: send both early in a fresh second, so they share it.
    await new Promise((r) => setTimeout(r, 2000 - (Date.now() % 1000)));
    const point = (seq: number) => ({ lng: 13.3816, lat: 52.5313, accuracyM: 6, recordedAt: new Date(Date.now() - seq).toISOString(), seq });
    const acks = await Promise.all([ask(workerOnA, 'location:update', point(2)), ask(workerOnB, 'location:update', point(3))]);
    expect(acks.filter((r) => r.success)).toHaveLength(1);
    expect(acks.filter((r) => !r.success)).toEqual([{ success: false, error: expect.objectContaining({ code: 'RATE_LIMITED' }) }]);
  }, 60_000);
});
