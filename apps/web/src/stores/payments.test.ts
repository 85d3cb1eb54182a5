import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { BOOKING, PAYMENT, aPayment } from '../test/bookingFixtures';
import { usePaymentsStore } from './payments';

beforeEach(() => setActivePinia(createPinia()));

const LIST = `GET /v1/payments?bookingId=${BOOKING}`;
const paid = aPayment({ status: 'succeeded', paidAt: '2025-06-02T09:00:00.000Z' });
const tip = (id: string, amountMinor: number, status: 'succeeded' | 'pending' = 'succeeded') =>
  aPayment({ id, kind: 'tip', amountMinor, status, platformFeeMinor: 0, businessPayoutMinor: amountMinor });

describe('payments store', () => {
  it("lists a booking's payments and sums the tips that were taken", async () => {
    const net = mockFetch({ [LIST]: ok([tip('t2', 300), tip('t1', 500), tip('t0', 800, 'pending'), paid]) });
    const store = usePaymentsStore();

    await store.loadForBooking(BOOKING);

    expect(net.calls).toHaveLength(1);
    expect(store.items.map((p) => p.id)).toEqual(['t2', 't1', 't0', PAYMENT]);
    expect(store.tips.map((p) => p.id)).toEqual(['t1', 't2']);
    expect(store.tippedMinor).toBe(800);
  });

  it('keeps the open booking’s payments when an earlier request answers late', async () => {
    let release: () => void = () => undefined;
    mockFetch({
      'GET /v1/payments?bookingId=first': () => new Promise((resolve) => (release = () => resolve(ok([tip('old', 500)])))),
      [LIST]: ok([paid]),
    });
    const store = usePaymentsStore();

    const first = store.loadForBooking('first');
    await store.loadForBooking(BOOKING);
    release();
    await first;

    expect(store.bookingId).toBe(BOOKING);
    expect(store.items.map((p) => p.id)).toEqual([PAYMENT]);
  });

  it('refunds all that remains without an amount, or the amount given, and shows the answer', async () => {
    const refunded = aPayment({
      status: 'succeeded',
      refunds: [{ id: 'r1', amountMinor: 500, reason: 'Late pick-up', status: 'pending', createdAt: '2025-06-03T10:00:00.000Z' }],
    });
    const net = mockFetch({ [LIST]: ok([paid]), [`POST /v1/payments/${PAYMENT}/refund`]: ok(refunded) });
    const store = usePaymentsStore();
    await store.loadForBooking(BOOKING);

    await store.refund(PAYMENT, 'Late pick-up', 500);
    await store.refund(PAYMENT, 'Sorry again');

    expect(net.callsTo(`POST /v1/payments/${PAYMENT}/refund`).map((c) => c.body)).toEqual([
      { reason: 'Late pick-up', amountMinor: 500 },
      { reason: 'Sorry again' },
    ]);
    expect(store.items[0]?.refunds).toHaveLength(1);
  });

  it('passes on a refused refund and changes nothing', async () => {
    mockFetch({
      [LIST]: ok([paid]),
      [`POST /v1/payments/${PAYMENT}/refund`]: fail(400, 'VALIDATION_ERROR', 'Check the highlighted fields.', [
        { path: 'body.amountMinor', message: 'At most 1800 can still be refunded.' },
      ]),
    });
    const store = usePaymentsStore();
    await store.loadForBooking(BOOKING);

    await expect(store.refund(PAYMENT, 'Too much', 5000)).rejects.toMatchObject({ fieldErrors: { amountMinor: 'At most 1800 can still be refunded.' } });
    expect(store.items).toEqual([paid]);
  });
});
