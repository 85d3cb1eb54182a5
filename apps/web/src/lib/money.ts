/** Prices are integer minor units plus an ISO 4217 currency; Intl knows how many decimals each has. */
import type { PriceType } from '../api/businesses';

export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatPrice(amountMinor: number, currency: string, locale?: string): string {
  const digits = minorDigits(currency);
  const amount = amountMinor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: amount % 1 === 0 ? 0 : digits }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

export const PRICE_TYPE_LABELS: Record<PriceType, string> = {
  per_hour: 'per hour',
  per_day: 'per day',
  per_night: 'per night',
  per_session: 'per session',
  fixed: 'fixed price',
};

export function formatPriceWithType(amountMinor: number, currency: string, priceType: PriceType, locale?: string): string {
  return `${formatPrice(amountMinor, currency, locale)} ${PRICE_TYPE_LABELS[priceType]}`;
}

/** What someone types in a price field ("12.50", "12,5") in minor units, or null when it is not a price. */
export function parsePrice(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  const digits = minorDigits(currency);
  return Math.round(Number(cleaned) * 10 ** digits);
}

/** Minor units as the plain number a price field shows ("12.5" for 1250 EUR). */
export function priceInputValue(amountMinor: number | null | undefined, currency: string): string {
  if (amountMinor === null || amountMinor === undefined) return '';
  return String(amountMinor / 10 ** minorDigits(currency));
}

/** Basis points as the percentage people type: 1500 → "15", 1250 → "12.5". */
export function bpsToPercent(bps: number): string {
  return String(bps / 100);
}

/** A typed percentage ("12.5", "12,5 %") in basis points, or null when it is not a number with at most two decimals. */
export function percentToBps(text: string): number | null {
  const cleaned = text.trim().replace(/\s|%/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}
