import { describe, expect, it } from 'vitest';
import { TIP_MAX_MINOR, TIP_MIN_MINOR } from '@walkydoggy/shared';
import { isPaid, tipPresets, tipProblem } from './payments';

describe('payment rules of the web app', () => {
  it('has an invoice only once the money was taken', () => {
    expect(['succeeded', 'partially_refunded', 'refunded'].map((status) => isPaid({ status: status as never }))).toEqual([true, true, true]);
    expect(['pending', 'authorized', 'failed', 'cancelled'].map((status) => isPaid({ status: status as never }))).toEqual([false, false, false, false]);
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
