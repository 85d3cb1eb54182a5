import { describe, expect, it } from 'vitest';
import { bpsToPercent, currencySymbol, formatPrice, formatPriceWithType, mainCurrency, parsePrice, percentToBps, priceInputValue } from './money';

describe('price formatting', () => {
  it('formats minor units in the currency with Intl', () => {
    expect(formatPrice(2500, 'EUR', 'en-IE')).toBe('€25');
    expect(formatPrice(1250, 'EUR', 'en-IE')).toBe('€12.50');
    expect(formatPrice(1250, 'EUR', 'de-DE')).toBe('12,50\u00a0€');
    expect(formatPrice(999, 'USD', 'en-US')).toBe('$9.99');
  });

  it('knows currencies without minor units', () => {
    expect(formatPrice(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(parsePrice('1500', 'JPY')).toBe(1500);
  });

  it('adds the price type', () => {
    expect(formatPriceWithType(1800, 'EUR', 'per_hour', 'en-IE')).toBe('€18 per hour');
    expect(formatPriceWithType(4000, 'EUR', 'per_night', 'en-IE')).toBe('€40 per night');
  });

  it('reads what people type in a price field', () => {
    expect(parsePrice('12.50', 'EUR')).toBe(1250);
    expect(parsePrice('12,5', 'EUR')).toBe(1250);
    expect(parsePrice(' 25 ', 'EUR')).toBe(2500);
    expect(parsePrice('0.1', 'EUR')).toBe(10);
    expect(parsePrice('ten', 'EUR')).toBeNull();
    expect(parsePrice('-5', 'EUR')).toBeNull();
    expect(priceInputValue(1250, 'EUR')).toBe('12.5');
    expect(priceInputValue(null, 'EUR')).toBe('');
  });

  it('falls back to plain text for an unknown currency code', () => {
    expect(formatPrice(1000, 'X', 'en')).toBe('10.00 X');
  });

  it('shows platform fees in percent and reads them back as basis points', () => {
    expect(bpsToPercent(1500)).toBe('15');
    expect(bpsToPercent(1250)).toBe('12.5');
    expect(bpsToPercent(5)).toBe('0.05');
    expect(percentToBps('15')).toBe(1500);
    expect(percentToBps('12,5 %')).toBe(1250);
    expect(percentToBps('0.05')).toBe(5);
    expect(percentToBps('12.345')).toBeNull();
    expect(percentToBps('-1')).toBeNull();
    expect(percentToBps('')).toBeNull();
  });
});

describe('currency of the data', () => {
  it('names a currency by its sign', () => {
    expect(currencySymbol('GBP')).toBe('£');
    expect(currencySymbol('EUR')).toBe('€');
    expect(currencySymbol('not a currency')).toBe('not a currency');
  });

  it('picks the currency most prices are in, ignoring prices without one', () => {
    expect(mainCurrency(['GBP', null, 'GBP', 'EUR', undefined])).toBe('GBP');
    expect(mainCurrency([null, undefined])).toBeNull();
    expect(mainCurrency([])).toBeNull();
  });

  it('reads a typed price in two decimals while no currency is known', () => {
    expect(parsePrice('12.5', null)).toBe(1250);
  });
});
