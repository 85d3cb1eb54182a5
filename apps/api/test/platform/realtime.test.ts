import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { users } from '@walkydoggy/shared/db';
import type { PresenceBroadcast } from '@walkydoggy/shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { newBusiness } from '../businesses/fixtures.js';
import { ask, closeAll, connect, next, record, refusal, sleep, type ClientSocket } from '../scaled/sockets.js';

/**
 * The Socket.IO platform (platform/realtime.ts, docs/api/live.md "Real-time channel"): the handshake
 * checks the access token as HTTP does, sockets join their user's and businesses' rooms, and an
 * expired token takes a socket out of every room until `auth:refresh`.
 */
let t: TestApp;
let base: string;
/** A test-only client event: answers who the socket is signed in as (handlers only run for signed-in sockets). */
const WHOAMI = 'test:whoami';

beforeAll(async () => {
  t = await createTestApp({
    routes: (app) => app.platform.realtime.handle(WHOAMI as never, async (_socket, user) => ({ userId: user.id })),
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(() => closeAll());
afterAll(() => t.close());

const count = (unreadCount: number) => ({ unreadCount });
/** An access token of `user` as the API signs one (same session), but valid for `seconds` only. */
async function shortToken(user: { id: string; role: string; accessToken: string }, seconds: number) {
  const [row] = await t.db.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, user.id));
  const { sid } = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string };
  return t.app.jwt.sign({ sub: user.id, role: user.role, ev: true, sv: row!.sv, sid, typ: 'access' }, { expiresIn: seconds });
}

/**
 * Proves that nothing sent before now reached `socket`: a message to the socket's own id is delivered
 * after everything emitted to it earlier on this instance.
 */
async function flushed(socket: ClientSocket) {
  const marker = next(socket, 'notification:count', 5000, (p) => p.unreadCount === -1);
  t.app.platform.realtime.namespace.to(socket.id!).emit('notification:count', count(-1));
  await marker;
}

describe('handshake', () => {
  it('is refused without a token, with garbage, a refresh token, an expired or a non-access token', async () => {
    const user = await t.newUser();
    expect(await refusal(base, undefined)).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(base, '')).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(base, 'not-a-jwt')).toMatchObject({ code: 'TOKEN_INVALID' });
    expect(await refusal(base, { token: user.accessToken })).toMatchObject({ code: 'UNAUTHORIZED' });
    // The refresh cookie's value is an opaque secret, not an access token.
    expect(await refusal(base, user.refreshCookie)).toMatchObject({ code: 'TOKEN_INVALID' });
    // Signed with another secret.
    const [head, body] = user.accessToken.split('.');
    const forged = `${head}.${body}.${crypto.createHmac('sha256', 'another-secret-another-secret-0123').update(`${head}.${body}`).digest('base64url')}`;
    expect(await refusal(base, forged)).toMatchObject({ code: 'TOKEN_INVALID' });
    // Signed with the right secret, but not an access token.
    const refreshLike = t.app.jwt.sign({ sub: user.id, role: 'pet_owner', ev: true, sv: 1, typ: 'refresh' });
    expect(await refusal(base, refreshLike)).toMatchObject({ code: 'TOKEN_INVALID' });
    const expired = t.app.jwt.sign({
      sub: user.id,
      role: 'pet_owner',
      ev: true,
      sv: 1,
      typ: 'access',
      iat: Math.floor(Date.now() / 1000) - 120,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const refused = await refusal(base, expired);
    expect(refused).toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(refused.message).toEqual(expect.any(String));
  });

  it('is refused for a suspended account, and for a token from before "sign out everywhere"', async () => {
    const user = await t.newUser();
    await t.db.update(users).set({ status: 'suspended' }).where(eq(users.id, user.id));
    expect(await refusal(base, user.accessToken)).toMatchObject({ code: 'TOKEN_INVALID' });
    const other = await t.newUser();
    const socket = await connect(base, other.accessToken);
    socket.close();
    await t.db.update(users).set({ sessionVersion: 2 }).where(eq(users.id, other.id));
    expect(await refusal(base, other.accessToken)).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('is accepted with a valid access token, and the socket is signed in as its account', async () => {
    const user = await t.newUser();
    const socket = await connect(base, user.accessToken);
    expect(socket.connected).toBe(true);
    expect(await ask(socket, WHOAMI, {})).toEqual({ success: true, data: { userId: user.id } });
    expect(t.app.platform.realtime.localSockets()).toBeGreaterThanOrEqual(1);
  });
});

describe('rooms', () => {
  it("toUser reaches every socket of that user and nobody else's", async () => {
    const alice = await t.newUser();
    const bob = await t.newUser();
    const phone = await connect(base, alice.accessToken);
    const laptop = await connect(base, alice.accessToken);
    const bobs = await connect(base, bob.accessToken);
    const bobSaw = record(bobs, 'notification:count');
    const onPhone = next(phone, 'notification:count');
    const onLaptop = next(laptop, 'notification:count');
    t.app.platform.realtime.toUser(alice.id, 'notification:count', count(7));
    expect(await onPhone).toEqual(count(7));
    expect(await onLaptop).toEqual(count(7));
    await flushed(bobs);
    expect(bobSaw.filter((p) => p.unreadCount !== -1)).toEqual([]);
  });

  it("a business's owner joins the business room by themself; other users do not", async () => {
    const owner = await t.newUser({ role: 'business' });
    const businessId = await newBusiness(t, owner);
    const otherOwner = await t.newUser({ role: 'business' });
    await newBusiness(t, otherOwner);
    const petOwner = await t.newUser();
    const ownerSocket = await connect(base, owner.accessToken);
    const others = [await connect(base, otherOwner.accessToken), await connect(base, petOwner.accessToken)];
    const seen = others.map((s) => record(s, 'worker:presence'));
    const presence: PresenceBroadcast = { workerId: crypto.randomUUID(), businessId, online: true, location: null };
    const received = next(ownerSocket, 'worker:presence');
    t.app.platform.realtime.toBusiness(businessId, 'worker:presence', presence);
    expect(await received).toEqual(presence);
    for (const s of others) await flushed(s);
    expect(seen).toEqual([[], []]);
  });

  it('a business created after connecting is joined at the next auth:refresh', async () => {
    const owner = await t.newUser({ role: 'business' });
    const socket = await connect(base, owner.accessToken);
    const businessId = await newBusiness(t, owner);
    expect(await ask(socket, 'auth:refresh', { token: owner.accessToken })).toMatchObject({ success: true });
    const received = next(socket, 'worker:presence');
    t.app.platform.realtime.toBusiness(businessId, 'worker:presence', { workerId: crypto.randomUUID(), businessId, online: false, location: null });
    expect(await received).toMatchObject({ businessId, online: false });
  });

  it('closeBookingRoom empties a booking room', async () => {
    const user = await t.newUser();
    const socket = await connect(base, user.accessToken);
    const bookingId = crypto.randomUUID();
    const server = t.app.platform.realtime.namespace.sockets.get(socket.id!)!;
    await server.join(`booking:${bookingId}`);
    const first = next(socket, 'booking:status');
    t.app.platform.realtime.toBooking(bookingId, 'booking:status', { bookingId, status: 'in_progress' });
    expect(await first).toEqual({ bookingId, status: 'in_progress' });
    const seen = record(socket, 'booking:status');
    t.app.platform.realtime.closeBookingRoom(bookingId);
    await sleep(50);
    t.app.platform.realtime.toBooking(bookingId, 'booking:status', { bookingId, status: 'completed' });
    await flushed(socket);
    expect(seen).toEqual([]);
    expect(server.rooms.has(`booking:${bookingId}`)).toBe(false);
  });

  it('broadcastServer reaches the listeners of this instance (a lone instance has no other)', async () => {
    const got: unknown[] = [];
    t.app.platform.realtime.onServer('test:lone', (p) => got.push(p));
    t.app.platform.realtime.broadcastServer('test:lone', { n: 1 });
    expect(got).toEqual([{ n: 1 }]);
  });
});

describe('token expiry', () => {
  it('session:expired leaves every room, events answer TOKEN_EXPIRED, auth:refresh rejoins', async () => {
    const owner = await t.newUser({ role: 'business' });
    const businessId = await newBusiness(t, owner);
    const socket = await connect(base, await shortToken(owner, 2));
    const bookingId = crypto.randomUUID();
    await t.app.platform.realtime.namespace.sockets.get(socket.id!)!.join(`booking:${bookingId}`);
    const expired = await next(socket, 'session:expired', 5000);
    expect(Date.parse(expired.at)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(socket.connected).toBe(true);
    expect([...t.app.platform.realtime.namespace.sockets.get(socket.id!)!.rooms]).toEqual([socket.id]);

    const seen = { user: record(socket, 'notification:count'), business: record(socket, 'worker:presence'), booking: record(socket, 'booking:status') };
    t.app.platform.realtime.toUser(owner.id, 'notification:count', count(1));
    t.app.platform.realtime.toBusiness(businessId, 'worker:presence', { workerId: crypto.randomUUID(), businessId, online: true, location: null });
    t.app.platform.realtime.toBooking(bookingId, 'booking:status', { bookingId, status: 'in_progress' });
    await flushed(socket);
    expect(seen.user.filter((p) => p.unreadCount !== -1)).toEqual([]);
    expect(seen.business).toEqual([]);
    expect(seen.booking).toEqual([]);

    const answer = await ask(socket, WHOAMI, {});
    expect(answer).toMatchObject({ success: false, error: { code: 'TOKEN_EXPIRED' } });

    // A token that is not an access token does not bring the socket back.
    expect(await ask(socket, 'auth:refresh', { token: 'garbage' })).toMatchObject({ success: false, error: { code: 'TOKEN_INVALID' } });
    expect(await ask(socket, 'auth:refresh', {})).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    expect(await ask(socket, WHOAMI, {})).toMatchObject({ success: false, error: { code: 'TOKEN_EXPIRED' } });

    const refreshed = await ask<{ expiresAt: string }>(socket, 'auth:refresh', { token: owner.accessToken });
    expect(refreshed.success).toBe(true);
    if (refreshed.success) expect(Date.parse(refreshed.data.expiresAt)).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(await ask(socket, WHOAMI, {})).toEqual({ success: true, data: { userId: owner.id } });
    const again = next(socket, 'notification:count', 5000, (p) => p.unreadCount === 2);
    const presence = next(socket, 'worker:presence');
    t.app.platform.realtime.toUser(owner.id, 'notification:count', count(2));
    t.app.platform.realtime.toBusiness(businessId, 'worker:presence', { workerId: crypto.randomUUID(), businessId, online: false, location: null });
    expect(await again).toEqual(count(2));
    expect(await presence).toMatchObject({ businessId, online: false });
    // Booking rooms are not rejoined: the client asks again with booking:join.
    expect(t.app.platform.realtime.namespace.sockets.get(socket.id!)!.rooms.has(`booking:${bookingId}`)).toBe(false);
  });

  it("auth:refresh with another account's token is refused, before and after expiry", async () => {
    const alice = await t.newUser();
    const mallory = await t.newUser();
    const live = await connect(base, alice.accessToken);
    expect(await ask(live, 'auth:refresh', { token: mallory.accessToken })).toMatchObject({ success: false, error: { code: 'TOKEN_INVALID' } });
    expect(await ask(live, WHOAMI, {})).toEqual({ success: true, data: { userId: alice.id } });

    const socket = await connect(base, await shortToken(alice, 2));
    await next(socket, 'session:expired', 5000);
    expect(await ask(socket, 'auth:refresh', { token: mallory.accessToken })).toMatchObject({ success: false, error: { code: 'TOKEN_INVALID' } });
    expect(await ask(socket, WHOAMI, {})).toMatchObject({ success: false, error: { code: 'TOKEN_EXPIRED' } });
    const seen = record(socket, 'notification:count');
    t.app.platform.realtime.toUser(mallory.id, 'notification:count', count(3));
    await flushed(socket);
    expect(seen.filter((p) => p.unreadCount !== -1)).toEqual([]);
    // Its own account's fresh token still works.
    expect(await ask(socket, 'auth:refresh', { token: alice.accessToken })).toMatchObject({ success: true });
  });

  it('auth:refresh is refused once the account is suspended', async () => {
    const user = await t.newUser();
    const socket = await connect(base, user.accessToken);
    await t.db.update(users).set({ status: 'suspended' }).where(eq(users.id, user.id));
    expect(await ask(socket, 'auth:refresh', { token: user.accessToken })).toMatchObject({ success: false, error: { code: 'TOKEN_INVALID' } });
  });

  it('a refresh before expiry pushes the expiry back', async () => {
    const user = await t.newUser();
    const socket = await connect(base, await shortToken(user, 2));
    expect(await ask(socket, 'auth:refresh', { token: user.accessToken })).toMatchObject({ success: true });
    const seen = record(socket, 'session:expired');
    await sleep(2600);
    expect(seen).toEqual([]);
    expect(await ask(socket, WHOAMI, {})).toEqual({ success: true, data: { userId: user.id } });
  });
});

describe('shutdown', () => {
  it('app.close() finishes at once with a signed-in socket and a bare connection that never joined the namespace', async () => {
    const own = await createTestApp();
    try {
      const url = await own.app.listen({ port: 0, host: '127.0.0.1' });
      const alice = await own.newUser();
      await connect(url, alice.accessToken);
      // An Engine.IO connection that never sends the namespace's CONNECT: not one of /v1's sockets.
      const bare = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
      await new Promise((resolve, reject) => {
        bare.once('message', resolve);
        bare.once('error', reject);
      });
      // The bare peer answers no close frame (paused): ws would wait 30 s for it without a terminate.
      bare.pause();
      const started = Date.now();
      await own.close();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await own.close().catch(() => {});
    }
  });
});
