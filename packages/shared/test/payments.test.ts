import { describe, expect, it } from 'vitest';
import * as db from '../src/db/bookings.js';
import {
  PAYMENT_STATUSES,
  createIntentBodySchema,
  earningsQuerySchema,
  earningsSchema,
  listPaymentsQuerySchema,
  paymentSchema,
  paymentsConfigSchema,
  refundBodySchema,
  type Payment,
} from '../src/payments.js';

const ID = '6f1c1b8e-2d2a-4c1e-9a0b-1d2e3f4a5b6c';
const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => r.error?.issues.map((i) => i.path.join('.'));

it('payment statuses match the database table', () => {
  expect(PAYMENT_STATUSES).toEqual(db.PAYMENT_STATUSES);
});

describe('createIntentBodySchema', () => {
  it('defaults to the booking payment, without an amount', () => {
    expect(createIntentBodySchema.parse({ bookingId: ID })).toEqual({ bookingId: ID, kind: 'booking' });
    expect(paths(createIntentBodySchema.safeParse({ bookingId: ID, amountMinor: 500 }))).toEqual(['amountMinor']);
  });
  it.each([
    [100, true],
    [1_000_000, true],
    [99, false],
    [1_000_001, false],
    [150.5, false],
    [undefined, false],
  ])('a tip of %s: %s', (amountMinor, ok) => {
    const r = createIntentBodySchema.safeParse({ bookingId: ID, kind: 'tip', amountMinor });
    expect(r.success).toBe(ok);
    if (!ok) expect(paths(r)).toEqual(['amountMinor']);
  });
  it('refuses a bad id and kind', () => {
    expect(paths(createIntentBodySchema.safeParse({ bookingId: 'x', kind: 'gift' }))).toEqual(['bookingId', 'kind']);
  });
});

describe('refundBodySchema', () => {
  it('takes a reason and an optional positive whole amount', () => {
    expect(refundBodySchema.parse({ reason: ' Goodwill ' })).toEqual({ reason: 'Goodwill' });
    expect(refundBodySchema.parse({ reason: 'x', amountMinor: 1 })).toEqual({ reason: 'x', amountMinor: 1 });
    expect(paths(refundBodySchema.safeParse({ reason: '', amountMinor: 0 }))).toEqual(['amountMinor', 'reason']);
    expect(paths(refundBodySchema.safeParse({ reason: 'x', amountMinor: 2.5 }))).toEqual(['amountMinor']);
  });
});

describe('queries', () => {
  it('list payments by booking with a page', () => {
    expect(listPaymentsQuerySchema.parse({ bookingId: ID, limit: '5' })).toEqual({ bookingId: ID, limit: 5 });
    expect(paths(listPaymentsQuerySchema.safeParse({ bookingId: 'nope' }))).toEqual(['bookingId']);
  });
  it('earnings take an ordered date range', () => {
    expect(earningsQuerySchema.parse({})).toEqual({});
    expect(earningsQuerySchema.parse({ from: '2025-01-01', to: '2025-01-31' })).toEqual({ from: '2025-01-01', to: '2025-01-31' });
    expect(paths(earningsQuerySchema.safeParse({ from: '2025-02-01', to: '2025-01-31' }))).toEqual(['to']);
  });
});

describe('responses', () => {
  const payment: Payment = {
    id: ID,
    bookingId: ID,
    bookingNumber: 'WD-7K3M-9Q2P',
    kind: 'booking',
    provider: 'simulated',
    status: 'partially_refunded',
    amountMinor: 2000,
    currency: 'EUR',
    platformFeeMinor: 300,
    businessPayoutMinor: 1700,
    refundedMinor: 1000,
    refundableMinor: 1000,
    authorizedAt: '2025-07-01T09:00:00.000Z',
    paidAt: '2025-07-01T10:00:00.000Z',
    refundedAt: '2025-07-02T10:00:00.000Z',
    createdAt: '2025-07-01T08:00:00.000Z',
    refunds: [{ id: ID, amountMinor: 1000, reason: 'Cancelled', status: 'succeeded', createdAt: '2025-07-02T10:00:00.000Z' }],
  };
  it('a payment has every field of the contract', () => {
    expect(paymentSchema.parse(payment)).toEqual(payment);
    const { refunds: _, ...withoutRefunds } = payment;
    expect(paths(paymentSchema.safeParse(withoutRefunds))).toEqual(['refunds']);
    expect(paths(paymentSchema.safeParse({ ...payment, provider: 'paypal' }))).toEqual(['provider']);
    const { refundableMinor: _r, ...withoutRefundable } = payment;
    expect(paths(paymentSchema.safeParse(withoutRefundable))).toEqual(['refundableMinor']);
  });
  it('earnings and config', () => {
    const earnings = {
      currency: 'EUR',
      grossMinor: 2000,
      platformFeesMinor: 300,
      refundsMinor: 0,
      tipsMinor: 500,
      netMinor: 2200,
      payoutCount: 1,
      payouts: [
        { paymentId: ID, bookingId: ID, bookingNumber: 'WD-1', kind: 'tip', amountMinor: 500, feeMinor: 0, payoutMinor: 500, refundedMinor: 0, paidAt: null },
      ],
    };
    expect(earningsSchema.parse(earnings)).toEqual(earnings);
    // A row links to its booking.
    const { bookingId: _b, ...withoutBooking } = earnings.payouts[0]!;
    expect(paths(earningsSchema.safeParse({ ...earnings, payouts: [withoutBooking] }))).toEqual(['payouts.0.bookingId']);
    expect(paymentsConfigSchema.parse({ provider: 'stripe', publishableKey: 'pk_test_1' })).toEqual({ provider: 'stripe', publishableKey: 'pk_test_1' });
    expect(paths(paymentsConfigSchema.safeParse({ provider: 'simulated' }))).toEqual(['publishableKey']);
  });
});
