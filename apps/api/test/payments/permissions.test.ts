import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { expectMatrix } from '../businesses/fixtures.js';
import { marketplace, paidBooking } from './fixtures.js';

/**
 * Who may see and act on a payment: the payer, the business's owner, admins. Everyone else is told
 * it does not exist (404), so ids cannot be probed; a payer who may see it but not refund it gets 403.
 */
let t: TestApp;
let m: Marketplace;
let paymentId: string;
let bookingId: string;
let stranger: { accessToken: string };
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
  const paid = await paidBooking(t, m, 'succeeded', { totalMinor: 5000 });
  paymentId = paid.paymentId;
  bookingId = paid.booking.id;
  stranger = await t.newUser({ role: 'pet_owner' });
});
afterAll(() => t.close());

const seeing = { owner: 200, otherBusiness: 404, worker: 404, otherWorker: 404, petOwner: 200, admin: 200, anonymous: 401 };

describe('payment permissions', () => {
  it('GET /payments/:id', async () => {
    await expectMatrix(t, m, seeing, () => ({ method: 'GET', url: `/v1/payments/${paymentId}` }));
    const res = await t.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}`, headers: t.bearer(stranger.accessToken) });
    expect(res.statusCode).toBe(404);
  });

  it('GET /payments/:id/invoice', async () => {
    await expectMatrix(t, m, seeing, () => ({ method: 'GET', url: `/v1/payments/${paymentId}/invoice` }));
    const res = await t.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}/invoice?format=pdf`, headers: t.bearer(stranger.accessToken) });
    expect(res.statusCode).toBe(404);
  });

  it('POST /payments/:id/refund: the business and admins; the payer may see but not refund', async () => {
    await expectMatrix(t, m, { ...seeing, petOwner: 403 }, () => ({
      method: 'POST',
      url: `/v1/payments/${paymentId}/refund`,
      payload: { amountMinor: 100, reason: 'Goodwill.' },
    }));
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/payments/${paymentId}/refund`,
      headers: t.bearer(stranger.accessToken),
      payload: { amountMinor: 100, reason: 'Mine?' },
    });
    expect(res.statusCode).toBe(404);
  });

  it('GET /payments lists what each caller may see, filtered by booking', async () => {
    const other = await paidBooking(t, m, 'authorized');
    const ids = async (token: string | null, query = '') => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/payments${query}`, headers: token ? t.bearer(token) : {} });
      return res.statusCode === 200
        ? res
            .json()
            .data.map((p: { id: string }) => p.id)
            .sort()
        : res.statusCode;
    };
    const both = [paymentId, other.paymentId].sort();
    expect(await ids(m.petOwner.accessToken)).toEqual(both);
    expect(await ids(m.owner.accessToken)).toEqual(both);
    expect(await ids(m.admin.accessToken)).toEqual(both);
    expect(await ids(m.otherOwner.accessToken)).toEqual([]);
    expect(await ids(m.worker.accessToken)).toEqual([]);
    expect(await ids(stranger.accessToken)).toEqual([]);
    expect(await ids(null)).toBe(401);
    expect(await ids(m.petOwner.accessToken, `?bookingId=${bookingId}`)).toEqual([paymentId]);
  });

  it('pages the list newest first with a cursor', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/payments?limit=1', headers: t.bearer(m.admin.accessToken) });
    const page1 = first.json();
    expect(page1.data).toHaveLength(1);
    expect(page1.meta.nextCursor).toEqual(expect.any(String));
    const second = await t.app.inject({ method: 'GET', url: `/v1/payments?limit=1&cursor=${page1.meta.nextCursor}`, headers: t.bearer(m.admin.accessToken) });
    expect(second.json().data).toHaveLength(1);
    expect(second.json().data[0].id).not.toBe(page1.data[0].id);
    expect(new Date(second.json().data[0].createdAt) <= new Date(page1.data[0].createdAt)).toBe(true);
    const bad = await t.app.inject({ method: 'GET', url: '/v1/payments?cursor=nonsense', headers: t.bearer(m.admin.accessToken) });
    expect(bad.statusCode).toBe(400);
  });
});
