import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { EARNINGS_PAYOUTS_LISTED } from '@walkydoggy/shared';
import { payments } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectMatrix, newBusiness } from '../businesses/fixtures.js';
import type { Marketplace } from '../support/marketplace.js';
import { confirm, intent, marketplace, paidBooking, paymentCounts, setBookingStatus } from './fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2030-03-15T10:00:00Z'));
  m = await marketplace(t);
});
afterAll(() => t.close());

const earnings = (token: string | null, query = '', businessId = m.businessId) =>
  t.app.inject({ method: 'GET', url: `/v1/businesses/${businessId}/earnings${query}`, headers: token ? t.bearer(token) : {} });

describe('GET /v1/businesses/:id/earnings', () => {
  it('adds up gross, fees kept, refunds and tips of the payments taken in the period', async () => {
    const plain = await paidBooking(t, m, 'succeeded', { totalMinor: 2000 }); // fee 300
    const refunded = await paidBooking(t, m, 'succeeded', { totalMinor: 3333 }); // fee 499
    await t.app.inject({
      method: 'POST',
      url: `/v1/payments/${refunded.paymentId}/refund`,
      headers: t.bearer(m.owner.accessToken),
      payload: { amountMinor: 1666, reason: 'Half.' },
    }); // fee back 249
    await setBookingStatus(t, plain.booking.id, 'completed');
    const tip = (await intent(t, m.petOwner.accessToken, { bookingId: plain.booking.id, kind: 'tip', amountMinor: 500 })).json().data.payment.id;
    await confirm(t, m.petOwner.accessToken, tip);
    await paidBooking(t, m, 'authorized', { totalMinor: 7777 }); // not taken: not earned
    const old = await paidBooking(t, m, 'succeeded', { totalMinor: 9999 });
    await t.db
      .update(payments)
      .set({ paidAt: new Date('2030-01-01T10:00:00Z') })
      .where(eq(payments.id, old.paymentId)); // outside the default 30 days
    await t.drain();

    const res = await earnings(m.owner.accessToken);
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect({ ...data, payouts: undefined }).toEqual({
      currency: 'EUR',
      grossMinor: 5333,
      platformFeesMinor: 300 + (499 - 249),
      refundsMinor: 1666,
      tipsMinor: 500,
      netMinor: 5333 + 500 - 1666 - 550,
      payoutCount: 3,
      payouts: undefined,
    });
    expect(data.payouts).toHaveLength(3);
    expect(data.payouts).toContainEqual({
      paymentId: refunded.paymentId,
      bookingId: refunded.booking.id,
      bookingNumber: refunded.booking.number,
      kind: 'booking',
      amountMinor: 3333,
      feeMinor: 250,
      payoutMinor: 3333 - 1666 - 250,
      refundedMinor: 1666,
      paidAt: '2030-03-15T10:00:00.000Z',
    });
    // A tip links to the booking it was given for.
    expect(data.payouts).toContainEqual(
      expect.objectContaining({ paymentId: tip, bookingId: plain.booking.id, kind: 'tip', amountMinor: 500, feeMinor: 0, payoutMinor: 500 }),
    );
    expect(data.payouts.reduce((s: number, p: { payoutMinor: number }) => s + p.payoutMinor, 0)).toBe(data.netMinor);

    // The period is by local date, both ends inclusive.
    const january = (await earnings(m.admin.accessToken, '?from=2030-01-01&to=2030-01-01')).json().data;
    expect(january).toMatchObject({ grossMinor: 9999, platformFeesMinor: 1499, netMinor: 8500, tipsMinor: 0, refundsMinor: 0 });
    const empty = (await earnings(m.owner.accessToken, '?from=2029-01-01&to=2029-01-31')).json().data;
    expect(empty).toEqual({ currency: 'EUR', grossMinor: 0, platformFeesMinor: 0, refundsMinor: 0, tipsMinor: 0, netMinor: 0, payoutCount: 0, payouts: [] });
  });

  it('lists the newest EARNINGS_PAYOUTS_LISTED payouts of a busy period; the totals count them all', async () => {
    const before = (await earnings(m.owner.accessToken)).json().data;
    const paid = await paidBooking(t, m, 'succeeded', { totalMinor: 2000 });
    await setBookingStatus(t, paid.booking.id, 'completed');
    const tip = (await intent(t, m.petOwner.accessToken, { bookingId: paid.booking.id, kind: 'tip', amountMinor: 500 })).json().data.payment.id;
    await confirm(t, m.petOwner.accessToken, tip);
    // Many more tips like it, each a minute older, as a busy business would take in a month.
    const copies = EARNINGS_PAYOUTS_LISTED + 5;
    await t.db.execute(sql`insert into payments
      select (jsonb_populate_record(null::payments, to_jsonb(p) || jsonb_build_object('id', gen_random_uuid(), 'provider_intent_id', null,
        'paid_at', p.paid_at - make_interval(mins => g)))).*
      from payments p, generate_series(1, ${copies}) g where p.id = ${tip}`);
    const after = (await earnings(m.owner.accessToken)).json().data;
    expect(after.payoutCount).toBe(before.payoutCount + 2 + copies);
    expect(after.tipsMinor).toBe(before.tipsMinor + 500 * (copies + 1));
    expect(after.grossMinor).toBe(before.grossMinor + 2000);
    expect(after.netMinor).toBe(after.grossMinor + after.tipsMinor - after.refundsMinor - after.platformFeesMinor);
    expect(after.payouts).toHaveLength(EARNINGS_PAYOUTS_LISTED);
    const times = after.payouts.map((p: { paidAt: string }) => Date.parse(p.paidAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('is for the owner and admins', async () => {
    await expectMatrix(t, m, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 200, anonymous: 401 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${m.businessId}/earnings`,
    }));
    const hidden = await newBusiness(t, m.owner, { status: 'pending' });
    expect((await earnings(m.otherOwner.accessToken, '', hidden)).statusCode).toBe(404);
  });

  it('refuses a reversed or too long period', async () => {
    expect((await earnings(m.owner.accessToken, '?from=2030-02-01&to=2030-01-01')).statusCode).toBe(400);
    expect((await earnings(m.owner.accessToken, '?from=2028-01-01&to=2030-01-01')).statusCode).toBe(400);
    expect((await earnings(m.owner.accessToken, '?from=2030-02-30')).statusCode).toBe(400);
  });
});

describe('payouts onboarding (simulated)', () => {
  it('creates the account once, links to the test page, and the test page enables it', async () => {
    const url = `/v1/businesses/${m.businessId}/payouts`;
    expect((await t.app.inject({ method: 'GET', url, headers: t.bearer(m.owner.accessToken) })).json().data).toBeNull();
    const early = await t.app.inject({ method: 'POST', url: `${url}/simulated-complete`, headers: t.bearer(m.owner.accessToken) });
    expect(early.statusCode).toBe(409);

    const first = await t.app.inject({ method: 'POST', url: `${url}/onboarding`, headers: t.bearer(m.owner.accessToken) });
    expect(first.statusCode).toBe(200);
    expect(first.json().data).toEqual({
      url: `http://walkydoggy.test/business/payouts?businessId=${m.businessId}&onboarding=done&simulated=1`,
      accountId: expect.stringMatching(/^sim_acct_/),
      provider: 'simulated',
    });
    const before = await paymentCounts(t);
    const second = await t.app.inject({ method: 'POST', url: `${url}/onboarding`, headers: t.bearer(m.owner.accessToken) });
    expect(second.json().data.accountId).toBe(first.json().data.accountId);
    expect(await paymentCounts(t)).toEqual(before);

    const pending = await t.app.inject({ method: 'GET', url, headers: t.bearer(m.admin.accessToken) });
    expect(pending.json().data).toEqual({ accountId: first.json().data.accountId, chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: false });
    const done = await t.app.inject({ method: 'POST', url: `${url}/simulated-complete`, headers: t.bearer(m.owner.accessToken) });
    expect(done.json().data).toEqual({ accountId: first.json().data.accountId, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true });
    expect((await t.app.inject({ method: 'GET', url, headers: t.bearer(m.owner.accessToken) })).json().data.chargesEnabled).toBe(true);
  });

  it('lets only the owner onboard; admins may look', async () => {
    await expectMatrix(t, m, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 403, anonymous: 401 }, () => ({
      method: 'POST',
      url: `/v1/businesses/${m.businessId}/payouts/onboarding`,
    }));
    await expectMatrix(t, m, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 200, anonymous: 401 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${m.businessId}/payouts`,
    }));
  });
});

describe('GET /v1/config', () => {
  it('tells the web app which payment provider runs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/config' });
    expect(res.json().data.payments).toEqual({ provider: 'simulated', publishableKey: null });
  });
});
