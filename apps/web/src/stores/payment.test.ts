import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { BOOKING, PAYMENT, aPayment } from '../test/bookingFixtures';
import { usePaymentStore } from './payment';

beforeEach(() => {
  setActivePinia(createPinia());
  sessionStorage.clear();
});

describe('payment store', () => {
  it('uses the simulated test step unless the server configures Stripe with a publishable key', async () => {
    mockFetch({ 'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'stripe', publishableKey: null } }) });
    const store = usePaymentStore();
    await store.loadConfig();
    expect(store.usesStripe).toBe(false);

    setActivePinia(createPinia());
    mockFetch({ 'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'stripe', publishableKey: 'pk_test_123' } }) });
    const stripe = usePaymentStore();
    await stripe.loadConfig();
    expect(stripe.usesStripe).toBe(true);
  });

  it('treats a server without payment configuration as the simulated provider', async () => {
    mockFetch({ 'GET /v1/config': ok({ mapStyleUrl: null }) });
    const store = usePaymentStore();
    expect(await store.loadConfig()).toEqual({ provider: 'simulated', publishableKey: null });
  });

  it('starts the intent with a key kept for the tab, then confirms the test payment', async () => {
    const net = mockFetch({
      'POST /v1/payments/intent': ok({ payment: aPayment(), clientSecret: null, testMode: true }, 201),
      'POST /v1/payments/confirm': ok(aPayment({ status: 'authorized', authorizedAt: '2025-05-20T10:01:00.000Z' })),
    });
    const store = usePaymentStore();

    await store.start(BOOKING);
    store.reset();
    await store.start(BOOKING); // the page was reloaded: same key, same intent
    const paid = await store.confirm(BOOKING);

    const [first, second] = net.callsTo('POST /v1/payments/intent');
    expect(first?.body).toEqual({ bookingId: BOOKING });
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(net.callsTo('POST /v1/payments/confirm')[0]?.body).toEqual({ paymentId: PAYMENT });
    expect(paid.status).toBe('authorized');
    // Once paid, a later payment of the same booking (after a reprice) gets a new key.
    await store.start(BOOKING);
    expect(net.callsTo('POST /v1/payments/intent')[2]?.headers['idempotency-key']).not.toBe(first?.headers['idempotency-key']);
  });

  it('picks up the live payment another tab started when the intent answers 409', async () => {
    mockFetch({
      'POST /v1/payments/intent': fail(409, 'CONFLICT', 'This booking already has a payment.'),
      [`GET /v1/payments?bookingId=${BOOKING}`]: ok([aPayment({ id: 'old', status: 'cancelled' }), aPayment()]),
    });
    const store = usePaymentStore();

    const intent = await store.start(BOOKING);

    expect(intent.payment.id).toBe(PAYMENT);
    expect(intent.testMode).toBe(true);
  });

  it('passes on a 409 when there is no live payment to pick up', async () => {
    mockFetch({
      'POST /v1/payments/intent': fail(409, 'CONFLICT', 'The booking is not pending.'),
      [`GET /v1/payments?bookingId=${BOOKING}`]: ok([]),
    });
    await expect(usePaymentStore().start(BOOKING)).rejects.toThrow('The booking is not pending.');
  });

  it('starts a tip with its amount, re-sends the same key on a retry, and a new key for the next tip', async () => {
    const tip = aPayment({ id: 'tip-1', kind: 'tip', amountMinor: 500, platformFeeMinor: 0, businessPayoutMinor: 500 });
    const net = mockFetch({
      'POST /v1/payments/intent': ok({ payment: tip, clientSecret: null, testMode: true }, 201),
      'POST /v1/payments/confirm': ok({ ...tip, status: 'succeeded', paidAt: '2025-06-02T09:00:00.000Z' }),
    });
    const store = usePaymentStore();

    await store.startTip(BOOKING, 500);
    await store.startTip(BOOKING, 500); // the answer was lost: the same tip again
    await store.startTip(BOOKING, 700); // another amount is another tip
    const paid = await store.confirm(BOOKING);
    await store.startTip(BOOKING, 700); // after a tip was taken, the next one is new

    const calls = net.callsTo('POST /v1/payments/intent');
    expect(calls[0]?.body).toEqual({ bookingId: BOOKING, kind: 'tip', amountMinor: 500 });
    expect(calls[2]?.body).toEqual({ bookingId: BOOKING, kind: 'tip', amountMinor: 700 });
    const keys = calls.map((c) => c.headers['idempotency-key']);
    expect(keys[1]).toBe(keys[0]);
    expect(new Set([keys[0], keys[2], keys[4]]).size).toBe(3);
    expect(paid.status).toBe('succeeded');
  });

  it("keeps the booking payment's key when a tip is confirmed", async () => {
    const tip = aPayment({ id: 'tip-1', kind: 'tip', amountMinor: 500 });
    const net = mockFetch({
      'POST /v1/payments/intent': (call) =>
        ok({ payment: (call.body as { kind?: string }).kind === 'tip' ? tip : aPayment(), clientSecret: null, testMode: true }, 201),
      'POST /v1/payments/confirm': ok({ ...tip, status: 'succeeded' }),
    });
    const store = usePaymentStore();

    await store.start(BOOKING);
    await store.startTip(BOOKING, 500);
    await store.confirm(BOOKING);
    await store.start(BOOKING);

    const bookingCalls = net.callsTo('POST /v1/payments/intent').filter((c) => !(c.body as { kind?: string }).kind);
    expect(bookingCalls[1]?.headers['idempotency-key']).toBe(bookingCalls[0]?.headers['idempotency-key']);
  });
});
