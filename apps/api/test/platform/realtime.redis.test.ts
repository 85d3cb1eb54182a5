import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp, type TestApp } from '../support/app.js';
import { newBusiness } from '../businesses/fixtures.js';
import { closeAll, connect, next, record, sleep } from '../scaled/sockets.js';

/**
 * Runs when TEST_REDIS_URL is set: two API instances on one database and one Redis, listening on two
 * ports. The Redis adapter makes them one real-time server (docs/api/live.md).
 */
const url = process.env.TEST_REDIS_URL!;
let a: TestApp;
let b: TestApp;
let baseA: string;
let baseB: string;
const clients: Redis[] = [];

beforeAll(async () => {
  clients.push(new Redis(url), new Redis(url));
  a = await createTestApp({ env: { REDIS_URL: url }, redis: clients[0] });
  b = await createTestApp({ env: { REDIS_URL: url }, redis: clients[1], sameDatabaseAs: a });
  baseA = await a.app.listen({ port: 0, host: '127.0.0.1' });
  baseB = await b.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(() => closeAll());
afterAll(async () => {
  await b.close();
  await a.close();
  await Promise.all(clients.map((c) => c.quit()));
});

describe('two instances, one Redis', () => {
  it('toUser on instance A reaches the user connected to instance B, and only them', async () => {
    const alice = await a.newUser();
    const bob = await a.newUser();
    const onB = await connect(baseB, alice.accessToken);
    const onA = await connect(baseA, alice.accessToken);
    const bobOnB = await connect(baseB, bob.accessToken);
    const bobSaw = record(bobOnB, 'notification:count');
    const viaB = next(onB, 'notification:count');
    const viaA = next(onA, 'notification:count');
    a.app.platform.realtime.toUser(alice.id, 'notification:count', { unreadCount: 4 });
    expect(await viaB).toEqual({ unreadCount: 4 });
    expect(await viaA).toEqual({ unreadCount: 4 });
    await sleep(200);
    expect(bobSaw).toEqual([]);
  });

  it("toBusiness on B reaches the business's owner connected to A", async () => {
    const owner = await a.newUser({ role: 'business' });
    const businessId = await newBusiness(a, owner);
    const socket = await connect(baseA, owner.accessToken);
    const received = next(socket, 'worker:presence');
    b.app.platform.realtime.toBusiness(businessId, 'worker:presence', { workerId: crypto.randomUUID(), businessId, online: true, location: null });
    expect(await received).toMatchObject({ businessId, online: true });
  });

  it('closeBookingRoom on A empties the room on B', async () => {
    const user = await a.newUser();
    const socket = await connect(baseB, user.accessToken);
    const bookingId = crypto.randomUUID();
    await b.app.platform.realtime.namespace.sockets.get(socket.id!)!.join(`booking:${bookingId}`);
    const first = next(socket, 'booking:status');
    a.app.platform.realtime.toBooking(bookingId, 'booking:status', { bookingId, status: 'in_progress' });
    expect(await first).toEqual({ bookingId, status: 'in_progress' });
    a.app.platform.realtime.closeBookingRoom(bookingId);
    const server = b.app.platform.realtime.namespace.sockets.get(socket.id!)!;
    for (let i = 0; i < 50 && server.rooms.has(`booking:${bookingId}`); i++) await sleep(20);
    expect(server.rooms.has(`booking:${bookingId}`)).toBe(false);
    const seen = record(socket, 'booking:status');
    a.app.platform.realtime.toBooking(bookingId, 'booking:status', { bookingId, status: 'completed' });
    await sleep(200);
    expect(seen).toEqual([]);
  });

  it('broadcastServer reaches the onServer listeners of both instances, once each', async () => {
    const event = `test:${crypto.randomUUID()}`;
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    a.app.platform.realtime.onServer(event, (p) => onA.push(p));
    b.app.platform.realtime.onServer(event, (p) => onB.push(p));
    a.app.platform.realtime.broadcastServer(event, { bookingId: 'x' });
    for (let i = 0; i < 100 && onB.length === 0; i++) await sleep(20);
    b.app.platform.realtime.broadcastServer(event, { bookingId: 'y' });
    for (let i = 0; i < 100 && onA.length < 2; i++) await sleep(20);
    await sleep(100);
    expect(onA).toEqual([{ bookingId: 'x' }, { bookingId: 'y' }]);
    expect(onB).toEqual([{ bookingId: 'x' }, { bookingId: 'y' }]);
  });
});
