import { describe, expect, it } from 'vitest';
import { TIP_MAX_MINOR, TIP_MIN_MINOR } from '@walkydoggy/shared';
import { aPayment } from '../test/bookingFixtures';
import { isPaid, refundableMinor, tipPresets, tipProblem } from './payments';

const refund = (amountMinor: number, status: 'pending' | 'succeeded' | 'failed') => ({
  id: `r-${amountMinor}-${status}`,
  amountMinor,
  reason: 'Goodwill',
  status,
  createdAt: '2025-06-03T10:00:00.000Z',
});

describe('payment rules of the web app', () => {
  it('has an invoice and refunds only once the money was taken', () => {
    expect(['succeeded', 'partially_refunded', 'refunded'].map((status) => isPaid({ status: status as never }))).toEqual([true, true, true]);
    expect(['pending', 'authorized', 'failed', 'cancelled'].map((status) => isPaid({ status: status as never }))).toEqual([false, false, false, false]);
    expect(refundableMinor(aPayment({ status: 'authorized' }))).toBe(0);
  });

  it('counts pending refunds as given and ignores failed ones, as the API does', () => {
    expect(refundableMinor(aPayment({ status: 'succeeded' }))).toBe(1800);
    expect(refundableMinor(aPayment({ status: 'succeeded', refunds: [refund(500, 'pending'), refund(700, 'failed')] }))).toBe(1300);
    // The provider's refunded total can be ahead of the refund rows (a refund made in its dashboard).
    expect(refundableMinor(aPayment({ status: 'partially_refunded', refundedMinor: 900, refunds: [refund(500, 'succeeded')] }))).toBe(900);
    expect(refundableMinor(aPayment({ status: 'refunded', refundedMinor: 1800, refunds: [refund(1800, 'succeeded')] }))).toBe(0);
  });

  it('offers whole-unit tip presets inside the limits and explains a wrong amount', () => {
    expect(tipPresets('EUR')).toEqual([200, 500, 1000]);
    // ¥2–¥10 are below the API's minimum of 100 minor units: only an amount of one's own is offered.
    expect(tipPresets('JPY')).toEqual([]);
    expect(tipProblem(null, 'EUR')).toBe('Enter an amount, like 4 or 4.50.');
    expect(tipProblem(TIP_MIN_MINOR - 1, 'EUR')).toBe('A tip is between €1.00 and €10,000.00.');
    expect(tipProblem(TIP_MAX_MINOR + 1, 'EUR')).toBe('A tip is between €1.00 and €10,000.00.');
    expect(tipProblem(TIP_MIN_MINOR, 'EUR')).toBe('');
    expect(tipProblem(TIP_MAX_MINOR, 'EUR')).toBe('');
  });
});
