import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notifications, pushSubscriptions } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { closeAll, connect, next } from '../scaled/sockets.js';
import { basic, notificationsOf, notify } from './helpers.js';

/** docs/api/live.md "Notifications": the caller's list, read state, deletion, preferences and push subscriptions. */
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(() => closeAll());
afterAll(() => t.close());

const DAY = 24 * 60 * 60_000;

/** `n` notifications to `userId`, one a minute apart (the clock moves), oldest first. */
async function many(userId: string, n: number) {
  for (let i = 0; i < n; i++) {
    t.clock.advance(60_000);
    await notify(t, basic(userId, { title: `Notification ${i}` }));
  }
}

const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: t.bearer(token) });
const put = (token: string, url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method: 'PUT', url, headers: t.bearer(token), ...(payload === undefined ? {} : { payload }) });

describe('list', () => {
  it('pages newest first with a cursor, counts the unread, and filters unread', async () => {
    const user = await t.newUser();
    const other = await t.newUser();
    await many(user.id, 5);
    await many(other.id, 2);
    const first = await get(user.accessToken, '/v1/notifications?limit=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.data.map((n: { title: string }) => n.title)).toEqual(['Notification 4', 'Notification 3']);
    expect(page1.meta).toEqual({ limit: 2, nextCursor: expect.any(String), unreadCount: 5 });
    expect(page1.data[0]).toEqual({
      id: expect.any(String),
      type: 'booking.started',
      title: 'Notification 4',
      message: 'Rex is out with Sam.',
      data: { bookingId: '00000000-0000-4000-8000-000000000001', link: '/bookings/00000000-0000-4000-8000-000000000001' },
      read: false,
      readAt: null,
      createdAt: expect.any(String),
    });
    const page2 = (await get(user.accessToken, `/v1/notifications?limit=2&cursor=${page1.meta.nextCursor}`)).json();
    expect(page2.data.map((n: { title: string }) => n.title)).toEqual(['Notification 2', 'Notification 1']);
    const page3 = (await get(user.accessToken, `/v1/notifications?limit=2&cursor=${page2.meta.nextCursor}`)).json();
    expect(page3.data.map((n: { title: string }) => n.title)).toEqual(['Notification 0']);
    expect(page3.meta.nextCursor).toBeNull();

    const read = await put(user.accessToken, `/v1/notifications/${page1.data[1].id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().data).toMatchObject({ id: page1.data[1].id, read: true, readAt: expect.any(String) });
    const unread = (await get(user.accessToken, '/v1/notifications?unread=true&limit=10')).json();
    expect(unread.data.map((n: { title: string }) => n.title)).toEqual(['Notification 4', 'Notification 2', 'Notification 1', 'Notification 0']);
    expect(unread.meta.unreadCount).toBe(4);
  });

  it('refuses a forged cursor and an anonymous caller', async () => {
    const user = await t.newUser();
    expect((await get(user.accessToken, '/v1/notifications?cursor=bm9wZQ')).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/v1/notifications' })).statusCode).toBe(401);
  });
});

describe('read, read-all, delete', () => {
  it("answers 404 for someone else's notification and changes nothing", async () => {
    const owner = await t.newUser();
    const stranger = await t.newUser();
    await notify(t, basic(owner.id));
    const [n] = await notificationsOf(t, owner.id);
    expect((await put(stranger.accessToken, `/v1/notifications/${n!.id}/read`)).statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/notifications/${n!.id}`, headers: t.bearer(stranger.accessToken) });
    expect(del.statusCode).toBe(404);
    expect(del.json().error.code).toBe('NOT_FOUND');
    expect((await put(stranger.accessToken, '/v1/notifications/read-all')).json().data).toEqual({ updated: 0 });
    const [still] = await notificationsOf(t, owner.id);
    expect(still).toMatchObject({ id: n!.id, readAt: null });
  });

  it('pushes the unread count to every socket of the person; read-all and delete work on their own only', async () => {
    const user = await t.newUser();
    await many(user.id, 3);
    const socket = await connect(base, user.accessToken);
    const rows = await notificationsOf(t, user.id);

    let count = next(socket, 'notification:count');
    expect((await put(user.accessToken, `/v1/notifications/${rows[0]!.id}/read`)).statusCode).toBe(200);
    expect(await count).toEqual({ unreadCount: 2 });

    count = next(socket, 'notification:count');
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/notifications/${rows[1]!.id}`, headers: t.bearer(user.accessToken) });
    expect(del.json()).toEqual({ success: true, data: { deleted: true } });
    expect(await count).toEqual({ unreadCount: 1 });

    count = next(socket, 'notification:count');
    expect((await put(user.accessToken, '/v1/notifications/read-all')).json().data).toEqual({ updated: 1 });
    expect(await count).toEqual({ unreadCount: 0 });
    expect((await notificationsOf(t, user.id)).map((n) => n.readAt !== null)).toEqual([true, true]);
  });

  it("the deliver job sends notification:new with the unread count to the person's sockets", async () => {
    const user = await t.newUser();
    const socket = await connect(base, user.accessToken);
    await t.drain();
    const arrived = next(socket, 'notification:new');
    await notify(t, basic(user.id, { title: 'Live!' }));
    await t.drain();
    expect(await arrived).toMatchObject({ title: 'Live!', type: 'booking.started', read: false, unreadCount: 1 });
  });
});

describe('preferences', () => {
  it('answers every type and channel with the defaults, then merges changes per type', async () => {
    const user = await t.newUser();
    const initial = (await get(user.accessToken, '/v1/notifications/preferences')).json().data;
    expect(initial).toMatchObject({ quietHours: null, timeZone: 'UTC', smsReady: false });
    expect(initial.channels['worker.on_the_way']).toEqual({ email: true, sms: true, push: true });
    expect(initial.channels['booking.started']).toEqual({ email: true, sms: false, push: true });

    await put(user.accessToken, '/v1/notifications/preferences', { channels: { 'booking.started': { sms: true } } });
    const changed = await put(user.accessToken, '/v1/notifications/preferences', {
      channels: { 'booking.started': { email: false } },
      quietHours: { start: '22:00', end: '07:00' },
      timeZone: 'Europe/Berlin',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().data).toMatchObject({ quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Berlin' });
    expect(changed.json().data.channels['booking.started']).toEqual({ email: false, sms: true, push: true });
    // A change of the time zone alone keeps the quiet hours; null clears them.
    expect((await put(user.accessToken, '/v1/notifications/preferences', { timeZone: 'Asia/Tokyo' })).json().data.quietHours).toEqual({
      start: '22:00',
      end: '07:00',
    });
    expect((await put(user.accessToken, '/v1/notifications/preferences', { quietHours: null })).json().data).toMatchObject({
      quietHours: null,
      timeZone: 'Asia/Tokyo',
    });
  });

  it('refuses an unknown time zone, a bad clock time, an unknown type, and changes nothing', async () => {
    const user = await t.newUser();
    await put(user.accessToken, '/v1/notifications/preferences', { timeZone: 'Europe/Paris' });
    const zone = await put(user.accessToken, '/v1/notifications/preferences', { timeZone: 'Mars/Olympus_Mons', quietHours: { start: '22:00', end: '06:00' } });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.details[0].path).toBe('body.timeZone');
    expect((await put(user.accessToken, '/v1/notifications/preferences', { quietHours: { start: '25:00', end: '06:00' } })).statusCode).toBe(400);
    expect((await put(user.accessToken, '/v1/notifications/preferences', { channels: { 'booking.nope': { email: false } } })).statusCode).toBe(400);
    const now = (await get(user.accessToken, '/v1/notifications/preferences')).json().data;
    expect(now).toMatchObject({ timeZone: 'Europe/Paris', quietHours: null });
  });
});

describe('push subscriptions', () => {
  const subscription = (endpoint: string) => ({
    endpoint,
    expirationTime: null,
    keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
  });
  const post = (token: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/v1/notifications/push-subscriptions', headers: { ...t.bearer(token), 'user-agent': 'TestBrowser/1' }, payload });

  it('gives the VAPID public key', async () => {
    const user = await t.newUser();
    const res = await get(user.accessToken, '/v1/notifications/push-key');
    expect(res.json().data.publicKey).toBe(t.app.platform.push.publicKey);
    expect(res.json().data.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
  });

  it("saves a subscription (201), the same endpoint again is 200 and moves to the caller; delete removes only the caller's", async () => {
    const first = await t.newUser();
    const second = await t.newUser();
    const endpoint = `https://push.example.com/${Math.random().toString(36).slice(2)}`;
    const created = await post(first.accessToken, subscription(endpoint));
    expect(created.statusCode).toBe(201);
    const id = created.json().data.id;
    const again = await post(second.accessToken, subscription(endpoint));
    expect(again.statusCode).toBe(200);
    expect(again.json().data.id).toBe(id);
    const [row] = await t.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint));
    expect(row).toMatchObject({ userId: second.id, userAgent: 'TestBrowser/1' });

    const del = (token: string) =>
      t.app.inject({ method: 'DELETE', url: '/v1/notifications/push-subscriptions', headers: t.bearer(token), payload: { endpoint } });
    expect((await del(first.accessToken)).json().data).toEqual({ deleted: false });
    expect((await del(second.accessToken)).json().data).toEqual({ deleted: true });
    expect(await t.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint))).toEqual([]);
  });

  it('refuses a subscription without keys or with a non-URL endpoint', async () => {
    const user = await t.newUser();
    expect((await post(user.accessToken, { endpoint: 'https://push.example.com/x' })).statusCode).toBe(400);
    expect((await post(user.accessToken, { ...subscription('not a url') })).statusCode).toBe(400);
  });
});

describe('cleanup', () => {
  it('deletes notifications older than 90 days, with their deliveries', async () => {
    const user = await t.newUser();
    await notify(t, basic(user.id, { title: 'old' }));
    t.clock.advance(89 * DAY);
    await notify(t, basic(user.id, { title: 'recent' }));
    t.clock.advance(DAY + 60_000);
    await t.drain();
    await t.app.platform.queue.enqueue(t.db, 'notifications.cleanup', {});
    await t.drain();
    expect((await notificationsOf(t, user.id)).map((n) => n.title)).toEqual(['recent']);
    expect(await t.db.select().from(notifications).where(eq(notifications.title, 'old'))).toEqual([]);
  });
});
