import { eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationDeliveries, pushSubscriptions, users } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Push, PushPayload } from '../../src/platform/push.js';
import { basic, deliveriesOf, jobOf, notificationsOf, notify, subscribePush } from './helpers.js';

/**
 * The notifier (docs/api/live.md "The notifier"): one in-app notification, one delivery per channel the
 * person's preferences allow, each with its job; quiet hours hold SMS and push; a dedupe key makes one
 * notification; the deliver job sends once and marks the delivery sent.
 */
let t: TestApp;
/** What the push service was asked to send; an endpoint ending in /gone answers 410, /down 503 (platform/push.ts has its own test against a push service). */
const pushed: { endpoint: string; payload: PushPayload }[] = [];
const fakePush: Push = {
  publicKey: 'test-key',
  async send(target, payload) {
    if (target.endpoint.endsWith('/gone')) return { ok: false, gone: true, error: 'push service answered 410' };
    if (target.endpoint.endsWith('/down')) return { ok: false, gone: false, error: 'push service answered 503' };
    pushed.push({ endpoint: target.endpoint, payload });
    return { ok: true };
  },
};
beforeAll(async () => {
  t = await createTestApp();
  t.app.platform.push = fakePush;
});
afterAll(() => t.close());

async function personWith(opts: { phone?: string; push?: boolean } = {}) {
  const user = await t.newUser();
  if (opts.phone) await t.db.update(users).set({ phone: opts.phone }).where(eq(users.id, user.id));
  if (opts.push) await subscribePush(t, user.id);
  return user;
}

const channels = (rows: { channel: string }[]) => rows.map((r) => r.channel).sort();

describe('notify', () => {
  it('creates the notification and, by default, in-app and e-mail deliveries with their payloads and jobs', async () => {
    const user = await personWith();
    await notify(t, basic(user.id));
    const [n, ...more] = await notificationsOf(t, user.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ type: 'booking.started', title: 'Your walk has started', message: 'Rex is out with Sam.', readAt: null });
    const deliveries = await deliveriesOf(t, n!.id);
    expect(channels(deliveries)).toEqual(['email', 'in_app']);
    const email = deliveries.find((d) => d.channel === 'email')!;
    expect(email.payload).toEqual({
      mail: {
        template: 'notification',
        firstName: 'Robin',
        title: 'Your walk has started',
        message: 'Rex is out with Sam.',
        link: 'http://walkydoggy.test/bookings/00000000-0000-4000-8000-000000000001',
      },
    });
    expect(email).toMatchObject({ status: 'pending', notBefore: null, attempts: 0 });
    for (const d of deliveries) expect(await jobOf(t, d.id)).toMatchObject({ state: 'created', retry_limit: 8 });
  });

  it('adds SMS only with a phone number and push only with a subscription, for the types that have them on', async () => {
    const both = await personWith({ phone: '+4915112345678', push: true });
    const neither = await personWith();
    const phoneOnly = await personWith({ phone: '+4915112345679' });
    const onTheWay = { type: 'worker.on_the_way' as const, title: 'Sam is on the way', message: 'Sam is coming to pick up Rex.' };
    await notify(t, [basic(both.id, onTheWay), basic(neither.id, onTheWay), basic(phoneOnly.id, onTheWay), basic(both.id)]);
    const [bothOnTheWay, bothStarted] = await notificationsOf(t, both.id);
    const byType = [bothOnTheWay, bothStarted].sort((a, b) => a!.type.localeCompare(b!.type));
    const started = byType.find((n) => n!.type === 'booking.started')!;
    const way = byType.find((n) => n!.type === 'worker.on_the_way')!;
    const wayDeliveries = await deliveriesOf(t, way.id);
    expect(channels(wayDeliveries)).toEqual(['email', 'in_app', 'push', 'sms']);
    expect(wayDeliveries.find((d) => d.channel === 'sms')!.payload).toEqual({
      text: 'Sam is on the way: Sam is coming to pick up Rex. http://walkydoggy.test/bookings/00000000-0000-4000-8000-000000000001',
    });
    expect(wayDeliveries.find((d) => d.channel === 'push')!.payload).toEqual({
      title: 'Sam is on the way',
      body: 'Sam is coming to pick up Rex.',
      url: '/bookings/00000000-0000-4000-8000-000000000001',
    });
    // SMS is off by default for a started walk; push is on.
    expect(channels(await deliveriesOf(t, started.id))).toEqual(['email', 'in_app', 'push']);
    expect(channels(await deliveriesOf(t, (await notificationsOf(t, neither.id))[0]!.id))).toEqual(['email', 'in_app']);
    expect(channels(await deliveriesOf(t, (await notificationsOf(t, phoneOnly.id))[0]!.id))).toEqual(['email', 'in_app', 'sms']);
  });

  it("follows the person's preferences: e-mail off for one type leaves the others", async () => {
    const user = await personWith({ phone: '+4915112345670' });
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/notifications/preferences',
      headers: t.bearer(user.accessToken),
      payload: { channels: { 'booking.started': { email: false, sms: true } } },
    });
    expect(res.statusCode).toBe(200);
    await notify(t, [basic(user.id), basic(user.id, { type: 'booking.confirmed' })]);
    const rows = await notificationsOf(t, user.id);
    const started = rows.find((n) => n.type === 'booking.started')!;
    const confirmed = rows.find((n) => n.type === 'booking.confirmed')!;
    expect(channels(await deliveriesOf(t, started.id))).toEqual(['in_app', 'sms']);
    expect(channels(await deliveriesOf(t, confirmed.id))).toEqual(['email', 'in_app']);
  });

  it("holds SMS and push in quiet hours until they end in the person's time zone (not_before and the job's start)", async () => {
    const user = await personWith({ phone: '+4915112345671', push: true });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/notifications/preferences',
      headers: t.bearer(user.accessToken),
      payload: { quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Berlin' },
    });
    // 23:00 in Berlin on a summer day (21:00 UTC): quiet until 07:00 Berlin the next morning, 8 hours on.
    t.clock.set(DateTime.fromISO('2030-07-10T23:00', { zone: 'Europe/Berlin' }).toJSDate());
    try {
      await notify(t, basic(user.id, { type: 'worker.on_the_way' }));
    } finally {
      t.clock.set(new Date());
    }
    const [n] = await notificationsOf(t, user.id);
    const deliveries = await deliveriesOf(t, n!.id);
    expect(channels(deliveries)).toEqual(['email', 'in_app', 'push', 'sms']);
    const sevenAm = DateTime.fromISO('2030-07-11T07:00', { zone: 'Europe/Berlin' }).toJSDate();
    for (const d of deliveries) {
      const job = (await jobOf(t, d.id))!;
      const delaySeconds = (new Date(job.start_after).getTime() - new Date(job.created_on).getTime()) / 1000;
      if (d.channel === 'sms' || d.channel === 'push') {
        expect(d.notBefore).toEqual(sevenAm);
        expect(delaySeconds).toBeGreaterThan(8 * 3600 - 5);
        expect(delaySeconds).toBeLessThan(8 * 3600 + 5);
      } else {
        expect(d.notBefore).toBeNull();
        expect(delaySeconds).toBeLessThan(5);
      }
    }
    // The drain runs what is due: in-app and e-mail now, SMS and push not.
    await t.drain();
    const after = await deliveriesOf(t, n!.id);
    expect(Object.fromEntries(after.map((d) => [d.channel, d.status]))).toEqual({ email: 'sent', in_app: 'sent', push: 'pending', sms: 'pending' });
  });

  it('outside quiet hours nothing waits', async () => {
    const user = await personWith({ phone: '+4915112345672' });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/notifications/preferences',
      headers: t.bearer(user.accessToken),
      payload: { quietHours: { start: '22:00', end: '07:00' }, timeZone: 'America/New_York' },
    });
    // 23:00 in Berlin is 17:00 in New York.
    t.clock.set(DateTime.fromISO('2030-07-10T23:00', { zone: 'Europe/Berlin' }).toJSDate());
    try {
      await notify(t, basic(user.id, { type: 'worker.on_the_way' }));
    } finally {
      t.clock.set(new Date());
    }
    const [n] = await notificationsOf(t, user.id);
    expect((await deliveriesOf(t, n!.id)).map((d) => d.notBefore)).toEqual([null, null, null]);
  });

  it('makes one notification per person and dedupe key, with deliveries only for the first', async () => {
    const user = await personWith();
    const other = await personWith();
    const keyed = basic(user.id, { dedupeKey: 'booking:1:started' });
    await notify(t, [keyed, keyed, basic(other.id, { dedupeKey: 'booking:1:started' })]);
    await notify(t, keyed);
    const rows = await notificationsOf(t, user.id);
    expect(rows).toHaveLength(1);
    expect(await deliveriesOf(t, rows[0]!.id)).toHaveLength(2);
    // The key is per person: the other person got theirs.
    expect(await notificationsOf(t, other.id)).toHaveLength(1);
    const jobs = rowsOf<{ n: number }>(
      await t.db.execute(
        sql`select count(*)::int as n from pgboss.job j join notification_deliveries d on d.id::text = j.data->>'deliveryId' where d.notification_id = ${rows[0]!.id}`,
      ),
    );
    expect(jobs[0]!.n).toBe(2);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const user = await personWith();
    await expect(
      t.db.transaction(async (tx) => {
        await t.app.platform.notifier.notify(tx, basic(user.id));
        throw new Error('the write that caused it failed');
      }),
    ).rejects.toThrow('the write that caused it failed');
    expect(await notificationsOf(t, user.id)).toEqual([]);
  });
});

describe('the deliver job', () => {
  it('sends the e-mail once and marks each delivery sent; running the job again sends nothing', async () => {
    const user = await personWith();
    await t.drain();
    const before = t.outbox.length;
    await notify(t, basic(user.id));
    await t.drain();
    const mails = t.outbox.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: user.email, subject: 'Your walk has started' });
    expect(mails[0]!.text).toContain('Rex is out with Sam.');
    expect(mails[0]!.text).toContain('http://walkydoggy.test/bookings/00000000-0000-4000-8000-000000000001');
    const [n] = await notificationsOf(t, user.id);
    const deliveries = await deliveriesOf(t, n!.id);
    for (const d of deliveries) {
      expect(d).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(d.sentAt).toBeInstanceOf(Date);
    }
    // The same job again (a retry after a lost acknowledgement): the delivery is sent, nothing goes out.
    const email = deliveries.find((d) => d.channel === 'email')!;
    await t.app.platform.queue.enqueue(t.db, 'notifications.deliver', { deliveryId: email.id });
    expect(await t.drain()).toBe(1);
    expect(t.outbox.length).toBe(before + 1);
    const [again] = await t.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, email.id));
    expect(again).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends SMS through the configured provider (log here) and skips it for an account that is no longer active', async () => {
    const active = await personWith({ phone: '+4915112345673' });
    const suspended = await personWith({ phone: '+4915112345674' });
    await notify(t, [basic(active.id, { type: 'booking.reminder_1h' }), basic(suspended.id, { type: 'booking.reminder_1h' })]);
    await t.db.update(users).set({ status: 'suspended' }).where(eq(users.id, suspended.id));
    await t.drain();
    const sms = async (userId: string) => (await deliveriesOf(t, (await notificationsOf(t, userId))[0]!.id)).find((d) => d.channel === 'sms')!;
    const sent = await sms(active.id);
    expect(sent.status).toBe('sent');
    expect(sent.providerId).toMatch(/^log-/);
    expect(await sms(suspended.id)).toMatchObject({ status: 'skipped', lastError: 'the account is not active', sentAt: null });
  });

  it('does nothing for a delivery whose notification was deleted meanwhile', async () => {
    const user = await personWith();
    await t.drain();
    const before = t.outbox.length;
    await notify(t, basic(user.id));
    const [n] = await notificationsOf(t, user.id);
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/notifications/${n!.id}`, headers: t.bearer(user.accessToken) });
    expect(res.statusCode).toBe(200);
    expect(await t.drain()).toBe(2);
    expect(t.outbox.length).toBe(before);
  });

  it('pushes to every subscription, deletes the gone ones, and fails (to retry) only when none took it', async () => {
    const user = await personWith();
    const live = await subscribePush(t, user.id, 'https://push.example.com/live');
    await subscribePush(t, user.id, 'https://push.example.com/gone');
    await t.drain();
    pushed.length = 0;
    await notify(t, basic(user.id));
    await t.drain();
    expect(pushed).toEqual([
      {
        endpoint: live.endpoint,
        payload: { title: 'Your walk has started', body: 'Rex is out with Sam.', url: '/bookings/00000000-0000-4000-8000-000000000001' },
      },
    ]);
    const left = await t.db.select({ endpoint: pushSubscriptions.endpoint }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, user.id));
    expect(left.map((r) => r.endpoint)).toEqual([live.endpoint]);
    const [sub] = await t.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, live.id));
    expect(sub!.lastSuccessAt).toBeInstanceOf(Date);

    const down = await personWith();
    await subscribePush(t, down.id, 'https://push.example.com/down');
    await notify(t, basic(down.id));
    await expect(t.drain()).rejects.toThrow('push service answered 503');
    const push = (await deliveriesOf(t, (await notificationsOf(t, down.id))[0]!.id)).find((d) => d.channel === 'push')!;
    expect(push).toMatchObject({ status: 'pending', attempts: 1, lastError: 'push service answered 503' });
    const [failing] = await t.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, down.id));
    expect(failing!.failures).toBe(1);
    // Let the retries of this job not disturb the tests after it.
    await t.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, down.id));
  });
});
