import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { marketplace, paidBooking, paymentCounts, paymentRow, refundRows } from './fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
});
afterAll(() => t.close());

const refund = (token: string, paymentId: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/v1/payments/${paymentId}/refund`, headers: t.bearer(token), payload });

describe('POST /v1/payments/:id/refund', () => {
  it("refunds everything that remains by default (the business's goodwill), the fee in full", async () => {
    const { paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 3333 });
    const res = await refund(m.owner.accessToken, paymentId, { reason: 'Sorry about the rain.' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.refunds).toEqual([
      { id: expect.any(String), amountMinor: 3333, reason: 'Sorry about the rain.', status: 'pending', createdAt: expect.any(String) },
    ]);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'refunded', refundedMinor: 3333, feeRefundedMinor: 499 });
    const shown = await t.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}`, headers: t.bearer(m.petOwner.accessToken) });
    expect(shown.json().data).toMatchObject({
      status: 'refunded',
      refundedMinor: 3333,
      refundedAt: expect.any(String),
      refunds: [expect.objectContaining({ status: 'succeeded' })],
    });
  });

  it("takes an admin's override amount with its reason, and records who did it", async () => {
    const { paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 3333 });
    const res = await refund(m.admin.accessToken, paymentId, { amountMinor: 1000, reason: 'Override: the walk was cut short.' });
    expect(res.statusCode).toBe(200);
    const [row] = await refundRows(t, paymentId);
    expect(row).toMatchObject({
      amountMinor: 1000,
      feeRefundMinor: 149,
      policyPercent: null,
      requestedBy: m.admin.id,
      reason: 'Override: the walk was cut short.',
    });
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'payment.refund'), eq(auditLog.targetId, paymentId)));
    expect(audits).toEqual([expect.objectContaining({ actorId: m.admin.id, details: expect.objectContaining({ amountMinor: 1000, as: 'admin' }) })]);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000, feeRefundedMinor: 149 });
  });

  it('counts refunds still pending, so two in flight never exceed the payment', async () => {
    const { paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 2000 });
    expect((await refund(m.owner.accessToken, paymentId, { amountMinor: 1500, reason: 'First.' })).statusCode).toBe(200);
    const before = await paymentCounts(t);
    const tooMuch = await refund(m.admin.accessToken, paymentId, { amountMinor: 501, reason: 'Second.' });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error.details).toEqual([expect.objectContaining({ path: 'body.amountMinor', message: 'At most 500 can still be refunded.' })]);
    expect(await paymentCounts(t)).toEqual(before);
    expect((await refund(m.admin.accessToken, paymentId, { amountMinor: 500, reason: 'Second.' })).statusCode).toBe(200);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'refunded', refundedMinor: 2000, feeRefundedMinor: 300 });
    const nothingLeft = await refund(m.admin.accessToken, paymentId, { reason: 'Third.' });
    expect(nothingLeft.statusCode).toBe(409);
  });

  it('refuses a payment not taken yet (409), and bad bodies (400), writing nothing', async () => {
    const { paymentId } = await paidBooking(t, m, 'authorized');
    const before = await paymentCounts(t);
    expect((await refund(m.owner.accessToken, paymentId, { reason: 'Too early.' })).statusCode).toBe(409);
    for (const body of [{}, { reason: '   ' }, { reason: 'x', amountMinor: 0 }, { reason: 'x', amountMinor: 10.5 }, { reason: 'x'.repeat(501) }])
      expect((await refund(m.owner.accessToken, paymentId, body)).statusCode, JSON.stringify(body)).toBe(400);
    expect(await paymentCounts(t)).toEqual(before);
  });
});
