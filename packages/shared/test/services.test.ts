import { describe, expect, it } from 'vitest';
import { CANCELLATION_POLICIES, createServiceBodySchema, refundPercent } from '../src/services.js';

describe('refundPercent', () => {
  it.each([
    ['flexible', 100, 100],
    ['flexible', 24, 100],
    ['flexible', 23.9, 50],
    ['flexible', 0.5, 50],
    ['flexible', -1, 50],
    ['moderate', 48, 100],
    ['moderate', 24, 100],
    ['moderate', 23.99, 50],
    ['moderate', 12, 50],
    ['moderate', 11.99, 0],
    ['moderate', 2, 0],
    ['moderate', -5, 0],
    ['strict', 24 * 7 + 1, 50],
    ['strict', 24 * 7, 50],
    ['strict', 24 * 7 - 0.1, 0],
    ['strict', 1, 0],
  ] as const)('%s, %d h before the start: %d %%', (policy, hours, percent) => {
    expect(refundPercent(policy, hours)).toBe(percent);
  });

  it('never refunds more for a later cancellation', () => {
    for (const policy of Object.keys(CANCELLATION_POLICIES) as (keyof typeof CANCELLATION_POLICIES)[]) {
      let previous = Infinity;
      for (let h = 24 * 30; h >= -24; h -= 0.5) {
        const p = refundPercent(policy, h);
        expect(p).toBeLessThanOrEqual(previous);
        expect(p).toBeGreaterThanOrEqual(0);
        previous = p;
      }
    }
  });

  it('refuses NaN', () => {
    expect(() => refundPercent('strict', Number.NaN)).toThrow(RangeError);
  });
});

describe('createServiceBodySchema', () => {
  const base = { name: 'Walk', type: 'walking', price: { amountMinor: 1500, currency: 'eur' }, priceType: 'per_hour', petTypes: ['dog'] };
  it('upper-cases the currency', () => {
    expect(createServiceBodySchema.parse(base).price.currency).toBe('EUR');
  });
  it('refuses duplicate pet types and worker ids', () => {
    expect(createServiceBodySchema.safeParse({ ...base, petTypes: ['dog', 'dog'] }).success).toBe(false);
    const id = '6f1c1b8e-2d2a-4c1e-9a0b-1d2e3f4a5b6c';
    expect(createServiceBodySchema.safeParse({ ...base, workerIds: [id, id] }).success).toBe(false);
  });
});
