import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { bookings, businesses, payments, payoutAccounts, refunds } from '@walkydoggy/shared/db';
import type { PriceBreakdown } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import type { TestApp } from '../support/app.js';
import { marketplace, type Marketplace } from '../support/marketplace.js';

export { notifiedMails } from '../bookings/helpers.js';

/**
 * Bookings for the payment tests, written directly (the bookings API is another module's and is
 * tested there): what payments reads is the row — owner, business, status, total, currency.
 */
export type BookingInput = {
  status?: (typeof bookings.$inferInsert)['status'];
  totalMinor?: number;
  currency?: string;
  ownerId?: string;
};

let seq = 0;
export async function newBooking(t: TestApp, m: Marketplace, input: BookingInput = {}) {
  const id = crypto.randomUUID();
  const number = `WD-${String(++seq).padStart(4, '0')}-${crypto.randomBytes(2).toString('hex').toUpperCase()}`;
  const totalMinor = input.totalMinor ?? 2000;
  const currency = input.currency ?? 'EUR';
  const price: PriceBreakdown = {
    currency,
    lines: [{ code: 'base', label: '1 session', quantity: 1, unitMinor: totalMinor, amountMinor: totalMinor }],
    subtotalMinor: totalMinor,
    discountMinor: 0,
    totalMinor,
  };
  // Far apart in time, so the worker's no-overlap constraint never meets two test bookings.
  const startsAt = new Date(Date.UTC(2030, 0, 1) + seq * 86_400_000);
  await t.db.insert(bookings).values({
    id,
    number,
    ownerId: input.ownerId ?? m.petOwner.id,
    businessId: m.businessId,
    serviceId: m.serviceId,
    workerId: m.worker.workerId,
    kind: 'slot',
    status: input.status ?? 'pending',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3_600_000),
    blockedUntil: new Date(startsAt.getTime() + 4_500_000),
    durationMinutes: 60,
    petCount: 1,
    locationKind: 'owner_home',
    price,
    totalMinor,
    currency,
    cancellationPolicy: 'moderate',
  });
  return { id, number, totalMinor };
}

export async function setBookingStatus(t: TestApp, bookingId: string, status: (typeof bookings.$inferInsert)['status']) {
  await t.db.update(bookings).set({ status }).where(eq(bookings.id, bookingId));
}

export async function setPremium(t: TestApp, businessId: string, premium: boolean) {
  await t.db.update(businesses).set({ premium }).where(eq(businesses.id, businessId));
}

export async function paymentRow(t: TestApp, id: string) {
  const [row] = await t.db.select().from(payments).where(eq(payments.id, id));
  return row!;
}

export async function refundRows(t: TestApp, paymentId: string) {
  return t.db.select().from(refunds).where(eq(refunds.paymentId, paymentId));
}

export async function payoutAccountOf(t: TestApp, businessId: string) {
  const [row] = await t.db.select().from(payoutAccounts).where(eq(payoutAccounts.businessId, businessId));
  return row ?? null;
}

/** Jobs waiting in the queue by name (what a transaction enqueued). */
export async function queued(t: TestApp, name: string): Promise<unknown[]> {
  return rowsOf<{ data: unknown }>(await t.db.execute(sql`select data from pgboss.job where name = ${name} and state = 'created' order by created_on`)).map(
    (r) => r.data,
  );
}

export async function paymentCounts(t: TestApp) {
  return rowsOf<Record<string, number>>(
    await t.db.execute(sql`select
      (select count(*) from payments)::int as payments, (select count(*) from refunds)::int as refunds,
      (select count(*) from payment_events)::int as payment_events, (select count(*) from payout_accounts)::int as payout_accounts,
      (select count(*) from idempotency_keys)::int as idempotency_keys, (select count(*) from pgboss.job)::int as jobs`),
  )[0]!;
}

export { marketplace };

export const WEBHOOK_SECRET = 'whsec_test_secret';
/** The environment of an app that uses Stripe, pointed at the fake Stripe at `url`. */
export const stripeEnv = (url: string) => ({
  PAYMENTS_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_fake',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_PUBLISHABLE_KEY: 'pk_test_fake',
  STRIPE_API_URL: url,
});

/** Creates an intent as the booking's owner and returns the answer's data. */
export async function intent(t: TestApp, token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/v1/payments/intent', headers: { ...t.bearer(token), ...headers }, payload });
}

export async function confirm(t: TestApp, token: string, paymentId: string) {
  return t.app.inject({ method: 'POST', url: '/v1/payments/confirm', headers: t.bearer(token), payload: { paymentId } });
}

/** A booking paid up to `until` through the API: intent, confirmed card, and (succeeded) the capture job. */
export async function paidBooking(t: TestApp, m: Marketplace, until: 'pending' | 'authorized' | 'succeeded' = 'succeeded', input: BookingInput = {}) {
  const booking = await newBooking(t, m, input);
  const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
  if (res.statusCode !== 201) throw new Error(`intent failed: ${res.statusCode} ${res.body}`);
  const paymentId = res.json().data.payment.id as string;
  if (until !== 'pending') {
    const c = await confirm(t, m.petOwner.accessToken, paymentId);
    if (c.statusCode !== 200) throw new Error(`confirm failed: ${c.statusCode} ${c.body}`);
  }
  if (until === 'succeeded') {
    await setBookingStatus(t, booking.id, 'confirmed');
    await t.db.transaction((tx) => t.app.platform.queue.enqueue(tx, 'payments.capture', { paymentId }));
    await t.drain();
  }
  return { booking, paymentId };
}
