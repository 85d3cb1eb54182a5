/** Prices are integer minor units plus an ISO 4217 currency; Intl knows how many decimals each has. */
import type { PriceType } from '../api/businesses';

export function minorDigits(currency: string | null): number {
  if (!currency) return 2;
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

/** The sign people know a currency by ("£", "€"; "CHF" where there is none), for labels such as "Max price (£)". */
export function currencySymbol(currency: string, locale = 'en-GB'): string {
  try {
    const parts = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0);
    return parts.find((part) => part.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

/** The currency most of these prices are in (null when none has one): what a price filter over them is typed in. */
export function mainCurrency(currencies: readonly (string | null | undefined)[]): string | null {
  const counts = new Map<string, number>();
  for (const c of currencies) if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
  let best: string | null = null;
  for (const [c, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = c;
  return best;
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
export function parsePrice(text: string, currency: string | null): number | null {
  const cleaned = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  const digits = minorDigits(currency);
  return Math.round(Number(cleaned) * 10 ** digits);
}

/** Minor units as the plain number a price field shows ("12.5" for 1250 EUR). */
export function priceInputValue(amountMinor: number | null | undefined, currency: string | null): string {
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
