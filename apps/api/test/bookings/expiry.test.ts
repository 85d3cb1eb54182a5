import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businesses, payments } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { createBookings } from '../../src/modules/bookings/bookings.js';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { berlin, booked, bookingBody, call, NOW, pay, queued, world, type Marketplace } from './helpers.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const get = async (id: string) => (await call(t, m.petOwner, 'GET', `/v1/bookings/${id}`)).json().data;

describe('bookings.expire-due', () => {
  it('expires pending requests past their deadline as the system: payment released, owner told', async () => {
    t.clock.set(NOW);
    const unanswered = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-06', '10:00') }));
    const paymentId = await pay(t, m.petOwner, unanswered.id);
    const answered = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-06', '14:00') }));
    await pay(t, m.petOwner, answered.id);
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${answered.id}/confirm`)).statusCode).toBe(200);
    t.clock.set(new Date(NOW.getTime() + 2 * HOUR));
    const later = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-07', '10:00') }));
    expect(unanswered.expiresAt).toBe(new Date(NOW.getTime() + 24 * HOUR).toISOString());

    // One second before the deadline nothing happens.
    t.clock.set(new Date(NOW.getTime() + 24 * HOUR - 1000));
    await t.app.platform.queue.enqueue(t.db, 'bookings.expire-due', {});
    await t.drain();
    expect((await get(unanswered.id)).status).toBe('pending');

    t.clock.set(new Date(NOW.getTime() + 24 * HOUR));
    await t.app.platform.queue.enqueue(t.db, 'bookings.expire-due', {});
    await t.drain();
    const expired = await get(unanswered.id);
    expect(expired).toMatchObject({ status: 'expired', payment: null, actions: [] });
    expect(expired.events.at(-1)).toEqual({
      fromStatus: 'pending',
      toStatus: 'expired',
      actorRole: 'system',
      reason: 'No answer before the request expired.',
      at: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
    });
    expect((await t.db.select().from(payments).where(eq(payments.id, paymentId)))[0]!.status).toBe('cancelled');
    expect(t.outbox.some((o) => o.to === m.petOwner.email && o.subject === `Booking request ${unanswered.number} expired`)).toBe(true);
    expect((await get(answered.id)).status).toBe('confirmed');
    expect((await get(later.id)).status).toBe('pending');
    t.clock.set(NOW);
  });

  it('a request made shortly before its start expires at the start', async () => {
    t.clock.set(NOW);
    await t.db.update(businesses).set({ bookingExpiryHours: 48 }).where(eq(businesses.id, m.businessId));
    const soon = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-04', '12:00') }));
    expect(soon.expiresAt).toBe(new Date(berlin('2030-06-04', '12:00')).toISOString());
    const bookings = createBookings({ ...t.app.platform, payments: createBookingPayments(t.app.platform) });
    await bookings.expireDue(new Date(new Date(berlin('2030-06-04', '12:00')).getTime() - 1));
    expect((await get(soon.id)).status).toBe('pending');
    expect(await bookings.expireDue(new Date(berlin('2030-06-04', '12:00')))).toBe(1);
    expect((await get(soon.id)).status).toBe('expired');
    // A second run finds nothing left to do.
    expect(await bookings.expireDue(new Date(berlin('2030-06-05', '12:00')))).toBe(0);
    await t.db.update(businesses).set({ bookingExpiryHours: 24 }).where(eq(businesses.id, m.businessId));
  });

  it('is enqueued when the app starts with job workers, and only then', async () => {
    const jobs = async (app: TestApp) =>
      rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'bookings.expire-due'`))[0]!.n;
    expect(await queued(t, 'bookings.expire-due')).toEqual([]);
    const before = await jobs(t);
    const withWorkers = await createTestApp({ env: { JOB_WORKERS: 'true' }, sameDatabaseAs: t });
    try {
      expect(await jobs(withWorkers)).toBe(before + 1);
    } finally {
      await withWorkers.close();
    }
  });
});
