import { describe, expect, it } from 'vitest';
import { cancellationRefund, formatMoney, priceBooking, refundAmount, splitFee, splitRefund, type PriceInput } from '../src/pricing.js';
import type { CancellationPolicy } from '../src/services.js';

/** A small seeded PRNG (mulberry32), so a failure replays. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

const service = (priceType: PriceInput['service']['priceType'], over: Partial<PriceInput['service']> = {}): PriceInput['service'] => ({
  priceMinor: 2000,
  currency: 'EUR',
  priceType,
  additionalPetPriceMinor: 500,
  durationMinutes: null,
  ...over,
});
const amounts = (p: ReturnType<typeof priceBooking>) => Object.fromEntries(p.lines.map((l) => [l.code, l.amountMinor]));

describe('priceBooking', () => {
  it.each([
    // type, input extras, pets, base, additional pets
    ['per_hour', { durationMinutes: 90 }, 1, 3000, undefined],
    ['per_hour', { durationMinutes: 90 }, 3, 3000, 1500],
    ['per_day', { days: 3 }, 1, 6000, undefined],
    ['per_day', { days: 3 }, 2, 6000, 1500],
    ['per_night', { nights: 4 }, 1, 8000, undefined],
    ['per_night', { nights: 4 }, 3, 8000, 4000],
    ['per_session', {}, 1, 2000, undefined],
    ['per_session', {}, 2, 2000, 500],
    ['fixed', { nights: 9, days: 9, durationMinutes: 600 }, 1, 2000, undefined],
    ['fixed', { nights: 9, days: 9, durationMinutes: 600 }, 4, 2000, 1500],
  ] as const)('%s %j with %d pets: base %d, extra pets %s', (priceType, extras, pets, base, extra) => {
    const p = priceBooking({ service: service(priceType), pets, ...extras });
    expect(amounts(p)).toEqual(extra === undefined ? { base } : { base, additional_pets: extra });
    expect(p.subtotalMinor).toBe(base + (extra ?? 0));
    expect(p.discountMinor).toBe(0);
    expect(p.totalMinor).toBe(p.subtotalMinor);
    expect(p.currency).toBe('EUR');
  });

  it('shows quantities and unit prices', () => {
    const p = priceBooking({ service: service('per_night'), pets: 3, nights: 4 });
    expect(p.lines).toEqual([
      { code: 'base', label: '4 nights', quantity: 4, unitMinor: 2000, amountMinor: 8000 },
      { code: 'additional_pets', label: '2 additional pets × 4 nights', quantity: 8, unitMinor: 500, amountMinor: 4000 },
    ]);
  });

  it('charges hours by quarter hours and defaults to the service duration, then 60 minutes', () => {
    expect(priceBooking({ service: service('per_hour', { priceMinor: 1999 }), pets: 1, durationMinutes: 75 }).totalMinor).toBe(2499); // 1999 × 1.25 = 2498.75
    expect(priceBooking({ service: service('per_hour'), pets: 1, durationMinutes: 50 }).lines[0]).toMatchObject({ quantity: 1, amountMinor: 2000 });
    expect(priceBooking({ service: service('per_hour', { durationMinutes: 30 }), pets: 1 }).totalMinor).toBe(1000);
    expect(priceBooking({ service: service('per_hour'), pets: 1 }).totalMinor).toBe(2000);
  });

  it('keeps a free additional pet visible', () => {
    const p = priceBooking({ service: service('per_session', { additionalPetPriceMinor: 0 }), pets: 2 });
    expect(amounts(p)).toEqual({ base: 2000, additional_pets: 0 });
  });

  it.each([
    ['no days for per_day', { service: service('per_day'), pets: 1 }],
    ['no nights for per_night', { service: service('per_night'), pets: 1, days: 2 }],
    ['0 pets', { service: service('fixed'), pets: 0 }],
    ['21 pets', { service: service('fixed'), pets: 21 }],
    ['a fractional price', { service: service('fixed', { priceMinor: 10.5 }), pets: 1 }],
    ['a negative price', { service: service('fixed', { priceMinor: -1 }), pets: 1 }],
    ['0 minutes', { service: service('per_hour'), pets: 1, durationMinutes: 0 }],
  ] as const)('throws RangeError on %s', (_, input) => {
    expect(() => priceBooking(input as PriceInput)).toThrow(RangeError);
  });
});

describe('splitFee', () => {
  it.each([
    [10_000, 1500, 1500, 8500],
    [999, 1500, 149, 850],
    [1, 1500, 0, 1],
    [5000, 0, 0, 5000],
    [0, 1500, 0, 0],
    [777, 10_000, 777, 0],
  ])('%d at %d bps: fee %d, payout %d', (amount, bps, fee, payout) => {
    expect(splitFee(amount, bps)).toEqual({ feeMinor: fee, payoutMinor: payout });
  });
  it('refuses impossible input', () => {
    expect(() => splitFee(-1, 100)).toThrow(RangeError);
    expect(() => splitFee(100, 10_001)).toThrow(RangeError);
    expect(() => splitFee(10.5, 100)).toThrow(RangeError);
  });
});

describe('splitRefund', () => {
  it('gives the fee back in proportion, on cumulative totals', () => {
    const payment = { amountMinor: 1000, platformFeeMinor: 150, refundedMinor: 0, feeRefundedMinor: 0 };
    expect(splitRefund(payment, 333)).toEqual({ feeRefundMinor: 49 }); // floor(150 × 333 / 1000)
    expect(splitRefund({ ...payment, refundedMinor: 333, feeRefundedMinor: 49 }, 333)).toEqual({ feeRefundMinor: 50 }); // floor(99.9) − 49
    expect(splitRefund({ ...payment, refundedMinor: 666, feeRefundedMinor: 99 }, 334)).toEqual({ feeRefundMinor: 51 });
    expect(splitRefund(payment, 1000)).toEqual({ feeRefundMinor: 150 });
  });
  it('refuses more than remains', () => {
    expect(() => splitRefund({ amountMinor: 1000, platformFeeMinor: 150, refundedMinor: 900, feeRefundedMinor: 135 }, 101)).toThrow(RangeError);
    expect(() => splitRefund({ amountMinor: 1000, platformFeeMinor: 150, refundedMinor: 0, feeRefundedMinor: 0 }, 0)).toThrow(RangeError);
  });

  it('over 10,000 random bookings: charge = payout + fee, refunds never give back too much, a full refund gives the whole fee', () => {
    const rnd = prng(20250701);
    for (let n = 0; n < 10_000; n++) {
      const amountMinor = rnd.int(1, 2_000_000);
      const bps = rnd.int(0, 10_000);
      const { feeMinor, payoutMinor } = splitFee(amountMinor, bps);
      expect(payoutMinor + feeMinor).toBe(amountMinor);
      expect(feeMinor).toBeGreaterThanOrEqual(0);
      expect(feeMinor).toBeLessThanOrEqual(amountMinor);

      const payment = { amountMinor, platformFeeMinor: feeMinor, refundedMinor: 0, feeRefundedMinor: 0 };
      const partials = rnd.int(0, 4);
      for (let i = 0; i < partials && payment.refundedMinor < amountMinor; i++) {
        const refund = rnd.int(1, amountMinor - payment.refundedMinor);
        const { feeRefundMinor } = splitRefund(payment, refund);
        expect(feeRefundMinor).toBeGreaterThanOrEqual(0);
        expect(feeRefundMinor).toBeLessThanOrEqual(refund);
        payment.refundedMinor += refund;
        payment.feeRefundedMinor += feeRefundMinor;
        expect(payment.feeRefundedMinor).toBe(Math.floor((feeMinor * payment.refundedMinor) / amountMinor));
        expect(payment.feeRefundedMinor).toBeLessThanOrEqual(feeMinor);
        expect(payment.refundedMinor).toBeLessThanOrEqual(amountMinor);
      }
      if (payment.refundedMinor < amountMinor) {
        const { feeRefundMinor } = splitRefund(payment, amountMinor - payment.refundedMinor);
        payment.feeRefundedMinor += feeRefundMinor;
      }
      expect(payment.feeRefundedMinor).toBe(feeMinor);
    }
  });
});

describe('cancellationRefund', () => {
  it.each([
    ['moderate', 48, 100],
    ['moderate', 24, 100],
    ['moderate', 23.99, 50],
    ['moderate', 12, 50],
    ['moderate', 11.99, 0],
    ['moderate', 0, 0],
    ['moderate', -0.5, 0],
    ['flexible', 24, 100],
    ['flexible', 23.99, 50],
    ['flexible', 0, 50],
    ['flexible', -3, 50],
    ['strict', 168, 50],
    ['strict', 167.99, 0],
    ['strict', 24, 0],
    ['strict', -1, 0],
  ] as const)('the owner, %s, %d h before: %d percent', (policy, hoursBeforeStart, percent) => {
    const r = cancellationRefund({ policy, hoursBeforeStart, cancelledBy: 'owner' });
    expect(r.percent).toBe(percent);
    expect(r.reason).toContain(`${percent}%`);
  });

  it('the business and the system refund everything, whatever the policy and time', () => {
    for (const policy of ['flexible', 'moderate', 'strict'] as CancellationPolicy[])
      for (const cancelledBy of ['business', 'system'] as const)
        for (const hoursBeforeStart of [-10, 0, 1, 500])
          expect(cancellationRefund({ policy, hoursBeforeStart, cancelledBy, overridePercent: 10 }).percent).toBe(100);
  });

  it('an admin override wins; without one the policy applies; the owner cannot override', () => {
    expect(cancellationRefund({ policy: 'strict', hoursBeforeStart: 1, cancelledBy: 'admin', overridePercent: 80 })).toEqual({
      percent: 80,
      reason: 'Refund set by an administrator: 80%.',
    });
    expect(cancellationRefund({ policy: 'moderate', hoursBeforeStart: 48, cancelledBy: 'admin', overridePercent: 0 }).percent).toBe(0);
    expect(cancellationRefund({ policy: 'moderate', hoursBeforeStart: 13, cancelledBy: 'admin' }).percent).toBe(50);
    expect(cancellationRefund({ policy: 'strict', hoursBeforeStart: 1, cancelledBy: 'owner', overridePercent: 100 }).percent).toBe(0);
    expect(() => cancellationRefund({ policy: 'strict', hoursBeforeStart: 1, cancelledBy: 'admin', overridePercent: 101 })).toThrow(RangeError);
  });

  it('explains itself', () => {
    expect(cancellationRefund({ policy: 'moderate', hoursBeforeStart: 30, cancelledBy: 'owner' }).reason).toBe(
      'Moderate policy, cancelled 30 hours before the start: 100% refund.',
    );
    expect(cancellationRefund({ policy: 'moderate', hoursBeforeStart: -2, cancelledBy: 'owner' }).reason).toBe(
      'Moderate policy, cancelled after the start: 0% refund.',
    );
  });
});

describe('refundAmount', () => {
  it.each([
    [1999, 0, 50, 999],
    [1999, 0, 100, 1999],
    [1999, 500, 100, 1499],
    [1999, 1500, 50, 0],
    [1000, 0, 0, 0],
    [1000, 0, 33, 330],
  ])('paid %d, refunded %d, %d percent → %d', (paid, already, percent, amount) => {
    expect(refundAmount(paid, already, percent)).toBe(amount);
  });
  it('refuses a percentage outside 0–100', () => {
    expect(() => refundAmount(1000, 0, 120)).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  it('uses the currency’s own decimals', () => {
    expect(formatMoney(1234, 'EUR')).toBe('€12.34');
    expect(formatMoney(0, 'GBP')).toBe('£0.00');
    expect(formatMoney(1234, 'JPY')).toBe('JP¥1,234');
    expect(formatMoney(1234, 'JPY', 'ja-JP')).toBe('￥1,234');
    expect(formatMoney(1234, 'KWD')).toBe('KWD\u00a01.234');
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
  });
});
