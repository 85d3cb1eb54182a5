import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { bookingPets, bookings, businesses, payments, payoutAccounts, workerPresence } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { marketplace, type Marketplace } from '../support/marketplace.js';
import { headersOf, newBusiness, newWorker, WHO } from './fixtures.js';

/*
 * The business home on a fixed clock in New York: Tuesday 4 June 2030, 22:30 local, already Wednesday
 * 02:30 in UTC, so a "today" or "this week" taken in UTC would be caught. The week is Monday 3 to
 * Sunday 9 June (local).
 */
const NOW = new Date('2030-06-05T02:30:00Z');
const ZONE = 'America/New_York';

let t: TestApp;
let m: Marketplace;
let seq = 0;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  m = await marketplace(t, { timeZone: ZONE });
});
afterAll(() => t.close());

const url = (id: string) => `/v1/businesses/${id}/overview`;
const get = (id: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url: url(id), headers });

type Row = Partial<typeof bookings.$inferInsert> & { startsAt: Date; status: (typeof bookings.$inferInsert)['status'] };
async function insertBooking(b: Row, businessId = m.businessId, serviceId = m.serviceId) {
  const endsAt = new Date(b.startsAt.getTime() + 60 * 60_000);
  const [row] = await t.db
    .insert(bookings)
    .values({
      number: `WD-TEST-${String(++seq).padStart(4, '0')}`,
      ownerId: m.petOwner.id,
      businessId,
      serviceId,
      kind: 'slot',
      endsAt,
      blockedUntil: endsAt,
      durationMinutes: 60,
      petCount: 1,
      locationKind: 'owner_home',
      address: { street: 'Bleecker St 10', city: 'New York' },
      price: { currency: 'USD', lines: [], subtotalMinor: 2500, discountMinor: 0, totalMinor: 2500 },
      totalMinor: 2500,
      currency: 'USD',
      cancellationPolicy: 'flexible',
      ...b,
    })
    .returning({ id: bookings.id });
  await t.db.insert(bookingPets).values({ bookingId: row!.id, petId: m.petId });
  return row!.id;
}

async function insertPayment(
  bookingId: string,
  p: { amount: number; status: (typeof payments.$inferInsert)['status']; paidAt: Date | null; kind?: 'booking' | 'tip'; refunded?: number },
) {
  await t.db.insert(payments).values({
    bookingId,
    payerId: m.petOwner.id,
    businessId: m.businessId,
    kind: p.kind ?? 'booking',
    provider: 'simulated',
    status: p.status,
    amountMinor: p.amount,
    currency: 'USD',
    platformFeeMinor: 0,
    businessPayoutMinor: p.amount,
    refundedMinor: p.refunded ?? 0,
    paidAt: p.paidAt,
  });
}

describe('GET /v1/businesses/:id/overview', () => {
  it('lists today, the requests waiting and counts the week in the business time zone', async () => {
    const z = (iso: string) => new Date(iso);
    const worker = m.worker.workerId;
    // Today (4 June local) 09:00 and 21:00; the second is already 5 June in UTC.
    const a = await insertBooking({ startsAt: z('2030-06-04T13:00:00Z'), status: 'confirmed', workerId: worker });
    const b = await insertBooking({ startsAt: z('2030-06-05T01:00:00Z'), status: 'completed', workerId: worker, locationKind: 'business', address: null });
    // Tomorrow (5 June local 10:00): a request, asked for second.
    const c = await insertBooking({
      startsAt: z('2030-06-05T14:00:00Z'),
      status: 'pending',
      createdAt: z('2030-06-04T12:00:00Z'),
      expiresAt: z('2030-06-05T12:00:00Z'),
    });
    // Monday, cancelled: not a booking of the week.
    await insertBooking({ startsAt: z('2030-06-03T12:00:00Z'), status: 'cancelled' });
    // Sunday 2 June 23:30 local (Monday 3 June in UTC): last week.
    const e = await insertBooking({ startsAt: z('2030-06-03T03:30:00Z'), status: 'confirmed' });
    // Sunday 9 June 23:00 local (Monday 10 June in UTC): this week; a request, asked for first.
    const f = await insertBooking({ startsAt: z('2030-06-10T03:00:00Z'), status: 'pending', createdAt: z('2030-06-01T09:00:00Z'), expiresAt: null });
    // Monday 10 June 00:30 local: next week.
    await insertBooking({ startsAt: z('2030-06-10T04:30:00Z'), status: 'confirmed' });
    // Declined and expired this week: not counted, not waiting.
    await insertBooking({ startsAt: z('2030-06-06T14:00:00Z'), status: 'declined' });
    await insertBooking({ startsAt: z('2030-06-07T14:00:00Z'), status: 'expired' });
    // Another business's booking today and request: never shown.
    const other = await marketplace(t, { timeZone: ZONE });
    await insertBooking({ startsAt: z('2030-06-04T15:00:00Z'), status: 'pending' }, other.businessId, other.serviceId);

    // Taken this week (local): 50.00 + a 7.00 tip + 30.00 of which 10.00 was refunded.
    await insertPayment(a, { amount: 5000, status: 'succeeded', paidAt: z('2030-06-03T15:00:00Z') });
    await insertPayment(b, { amount: 700, status: 'succeeded', paidAt: z('2030-06-05T01:30:00Z'), kind: 'tip' });
    await insertPayment(c, { amount: 3000, status: 'partially_refunded', paidAt: z('2030-06-04T10:00:00Z'), refunded: 1000 });
    // Sunday 2 June 23:00 local: last week. Authorised only: not taken.
    await insertPayment(e, { amount: 4000, status: 'succeeded', paidAt: z('2030-06-03T03:00:00Z') });
    await insertPayment(f, { amount: 9999, status: 'authorized', paidAt: null });

    const res = await get(m.businessId, t.bearer(m.owner.accessToken));
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json().data;
    expect(o).toMatchObject({ businessId: m.businessId, timeZone: ZONE, date: '2030-06-04', weekStart: '2030-06-03', weekEnd: '2030-06-09' });
    expect(o.today.map((x: { id: string }) => x.id)).toEqual([a, b]);
    expect(o.todayTruncated).toBe(false);
    expect(o.today[0]).toEqual({
      id: a,
      number: expect.stringMatching(/^WD-TEST-/),
      status: 'confirmed',
      startsAt: '2030-06-04T13:00:00.000Z',
      endsAt: '2030-06-04T14:00:00.000Z',
      serviceName: expect.any(String),
      workerName: 'Wendy Walker',
      ownerName: 'Robin Walker',
      petNames: ['Rex'],
      placeLabel: 'Bleecker St 10, New York',
      totalMinor: 2500,
      currency: 'USD',
    });
    expect(o.today[1]).toMatchObject({ status: 'completed', placeLabel: 'At the business' });
    expect(o.requests.map((x: { id: string }) => x.id)).toEqual([f, c]);
    expect(o.requestsTotal).toBe(2);
    expect(o.requests[1]).toMatchObject({ createdAt: '2030-06-04T12:00:00.000Z', expiresAt: '2030-06-05T12:00:00.000Z', workerName: null });
    expect(o.requests[0].expiresAt).toBeNull();
    expect(o.week).toEqual({ bookings: 4, revenueMinor: 7700, currency: 'USD' });
  });

  it('lists the workers online now, not the stale, offline or other businesses ones', async () => {
    const mk = await marketplace(t, { timeZone: ZONE });
    const stale = await newWorker(t, mk.businessId, mk.owner);
    const offline = await newWorker(t, mk.businessId, mk.owner);
    const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);
    const row = (w: { workerId: string; id: string }, businessId: string, online: Date | null, seen: Date) => ({
      workerId: w.workerId,
      businessId,
      userId: w.id,
      onlineAt: online,
      seenAt: seen,
    });
    await t.db
      .insert(workerPresence)
      .values([
        row(mk.worker, mk.businessId, minutesAgo(30), minutesAgo(1)),
        row(stale, mk.businessId, minutesAgo(30), minutesAgo(6)),
        row(offline, mk.businessId, null, minutesAgo(1)),
        row(mk.otherWorker, mk.otherBusinessId, minutesAgo(30), minutesAgo(1)),
      ]);
    const o = (await get(mk.businessId, t.bearer(mk.owner.accessToken))).json().data;
    expect(o.workersOnline).toEqual([{ workerId: mk.worker.workerId, name: 'Wendy Walker', onlineAt: minutesAgo(30).toISOString() }]);
    // A business with nothing going on: empty lists and zero figures in its services' currency.
    expect(o).toMatchObject({ today: [], requests: [], requestsTotal: 0, week: { bookings: 0, revenueMinor: 0 } });
  });

  it('spells out what is missing for payouts, item by item', async () => {
    const mk = await marketplace(t, { timeZone: ZONE });
    const items = async () => {
      const res = await get(mk.businessId, t.bearer(mk.owner.accessToken));
      expect(res.statusCode, res.body).toBe(200);
      const p = res.json().data.payouts;
      expect(p.setupPath).toBe('/business/payouts');
      return {
        ready: p.ready,
        done: Object.fromEntries(p.items.map((i: { item: string; done: boolean }) => [i.item, i.done])),
        labels: p.items.map((i: { label: string }) => i.label),
      };
    };
    const none = await items();
    expect(none).toEqual({
      ready: false,
      done: { account_created: false, details_submitted: false, charges_enabled: false, payouts_enabled: false },
      labels: ['Create your payout account', 'Finish the details Stripe asks for', 'Card payments enabled by Stripe', 'Payouts enabled by Stripe'],
    });
    await t.db.insert(payoutAccounts).values({ businessId: mk.businessId, provider: 'simulated', accountId: `acct_${mk.businessId}` });
    expect((await items()).done).toEqual({ account_created: true, details_submitted: false, charges_enabled: false, payouts_enabled: false });
    await t.db.update(payoutAccounts).set({ detailsSubmitted: true, chargesEnabled: true }).where(eq(payoutAccounts.businessId, mk.businessId));
    expect(await items()).toMatchObject({
      ready: false,
      done: { account_created: true, details_submitted: true, charges_enabled: true, payouts_enabled: false },
    });
    await t.db.update(payoutAccounts).set({ payoutsEnabled: true }).where(eq(payoutAccounts.businessId, mk.businessId));
    expect((await items()).ready).toBe(true);
  });

  it('answers the owner and admins only', async () => {
    const expected = { owner: 200, admin: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, anonymous: 401 } as const;
    for (const who of WHO) {
      const res = await get(m.businessId, headersOf(t, m, who));
      expect(res.statusCode, `${who}: ${res.body}`).toBe(expected[who]);
      if (res.statusCode !== 200) expect(res.json().success).toBe(false);
    }
    // A business others cannot see (not yet verified) is a 404 to them, and still the owner's home.
    const owner = await t.newUser({ role: 'business' });
    const pending = await newBusiness(t, owner);
    expect((await get(pending, t.bearer(m.otherOwner.accessToken))).statusCode).toBe(404);
    expect((await get(pending, t.bearer(m.petOwner.accessToken))).statusCode).toBe(404);
    expect((await get(pending, t.bearer(owner.accessToken))).statusCode).toBe(200);
    expect((await get(pending, t.bearer(m.admin.accessToken))).statusCode).toBe(200);
    const [row] = await t.db.select({ status: businesses.verificationStatus }).from(businesses).where(eq(businesses.id, pending));
    expect(row!.status).toBe('pending');
    expect((await get('not-a-uuid', t.bearer(owner.accessToken))).statusCode).toBe(400);
  });
});
