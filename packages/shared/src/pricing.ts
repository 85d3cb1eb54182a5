import type { PriceBreakdown, PriceLine } from './bookings.js';
import { CANCELLATION_POLICIES, refundPercent, type CancellationPolicy, type PriceType } from './services.js';

/*
 * Money rules of docs/api/bookings.md ("Pricing", "Refund policy"). Every amount is an integer in minor
 * units; functions throw RangeError on input that cannot describe a real booking or payment.
 */

const assertInt = (value: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
};

// ───────────────────────── price ─────────────────────────

export type PriceInput = {
  service: { priceMinor: number; currency: string; priceType: PriceType; additionalPetPriceMinor: number; durationMinutes: number | null };
  pets: number;
  /** per_hour: the booked duration; the service's (else 60) when left out. */
  durationMinutes?: number;
  /** per_day: days booked (daycare, inclusive). */
  days?: number;
  /** per_night: nights booked (boarding). */
  nights?: number;
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The price of a booking. Units: per_hour → hours in quarter hours (a started quarter counts), per_day →
 * days, per_night → nights, per_session and fixed → 1. With more than one pet an `additional_pets` line
 * charges the additional-pet price per extra pet and unit (fixed: per extra pet only).
 */
export function priceBooking(input: PriceInput): PriceBreakdown {
  const { service, pets } = input;
  assertInt(service.priceMinor, 'priceMinor', 0);
  assertInt(service.additionalPetPriceMinor, 'additionalPetPriceMinor', 0);
  assertInt(pets, 'pets', 1, 20);

  // Units are kept as quarters for hours so that amounts stay exact integers until the final rounding.
  let quarters = 4;
  let units = 1;
  let baseLabel: string;
  switch (service.priceType) {
    case 'per_hour': {
      const minutes = input.durationMinutes ?? service.durationMinutes ?? 60;
      assertInt(minutes, 'durationMinutes', 1, 24 * 60);
      quarters = Math.ceil(minutes / 15);
      units = quarters / 4;
      baseLabel = plural(units, 'hour');
      break;
    }
    case 'per_day':
      assertInt(input.days ?? Number.NaN, 'days', 1, 366);
      units = input.days!;
      baseLabel = plural(units, 'day');
      break;
    case 'per_night':
      assertInt(input.nights ?? Number.NaN, 'nights', 1, 366);
      units = input.nights!;
      baseLabel = plural(units, 'night');
      break;
    case 'per_session':
      baseLabel = '1 session';
      break;
    case 'fixed':
      baseLabel = 'Fixed price';
      break;
    default:
      throw new RangeError(`Unknown price type: ${String(service.priceType)}`);
  }
  const perHour = service.priceType === 'per_hour';
  const times = (unitMinor: number, count: number) => (perHour ? Math.round((unitMinor * count * quarters) / 4) : unitMinor * count * units);

  const lines: PriceLine[] = [{ code: 'base', label: baseLabel, quantity: units, unitMinor: service.priceMinor, amountMinor: times(service.priceMinor, 1) }];
  if (pets > 1) {
    const extra = pets - 1;
    const fixed = service.priceType === 'fixed';
    lines.push({
      code: 'additional_pets',
      label: fixed ? plural(extra, 'additional pet') : `${plural(extra, 'additional pet')} × ${baseLabel}`,
      quantity: fixed ? extra : extra * units,
      unitMinor: service.additionalPetPriceMinor,
      amountMinor: fixed ? service.additionalPetPriceMinor * extra : times(service.additionalPetPriceMinor, extra),
    });
  }
  const subtotalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  const discountMinor = 0;
  return { currency: service.currency, lines, subtotalMinor, discountMinor, totalMinor: subtotalMinor - discountMinor };
}

// ───────────────────────── fees ─────────────────────────

/** The platform's share in basis points, rounded down in the business's favour; charge = payout + fee. */
export function splitFee(amountMinor: number, bps: number): { feeMinor: number; payoutMinor: number } {
  assertInt(amountMinor, 'amountMinor', 0);
  assertInt(bps, 'bps', 0, 10_000);
  const feeMinor = Math.floor((amountMinor * bps) / 10_000);
  return { feeMinor, payoutMinor: amountMinor - feeMinor };
}

export type RefundablePayment = { amountMinor: number; platformFeeMinor: number; refundedMinor: number; feeRefundedMinor: number };

/**
 * The part of the platform fee a refund gives back. Computed on the cumulative totals — the fee
 * refunded after this refund is floor(fee × refunded / amount) — so partial refunds never drift and the
 * last one that makes the payment whole returns exactly what is left of the fee.
 */
export function splitRefund(payment: RefundablePayment, refundMinor: number): { feeRefundMinor: number } {
  const { amountMinor, platformFeeMinor, refundedMinor, feeRefundedMinor } = payment;
  assertInt(amountMinor, 'amountMinor', 1);
  assertInt(platformFeeMinor, 'platformFeeMinor', 0, amountMinor);
  assertInt(refundedMinor, 'refundedMinor', 0, amountMinor);
  assertInt(feeRefundedMinor, 'feeRefundedMinor', 0, platformFeeMinor);
  assertInt(refundMinor, 'refundMinor', 1, amountMinor - refundedMinor);
  const feeRefundedAfter = Math.floor((platformFeeMinor * (refundedMinor + refundMinor)) / amountMinor);
  return { feeRefundMinor: Math.max(0, feeRefundedAfter - feeRefundedMinor) };
}

// ───────────────────────── refund policy ─────────────────────────

export type CancellationInput = {
  policy: CancellationPolicy;
  /** Negative once the booking has started. */
  hoursBeforeStart: number;
  cancelledBy: 'owner' | 'business' | 'admin' | 'system';
  /** An admin's override, 0–100. */
  overridePercent?: number;
};

const hoursText = (h: number) => {
  if (h < 0) return 'after the start';
  const rounded = Math.floor(h * 10) / 10;
  return `${rounded} ${rounded === 1 ? 'hour' : 'hours'} before the start`;
};

/**
 * How much of what was paid goes back. The business (cancel or decline) and the system (expiry) refund
 * everything; an admin's override wins; otherwise — the owner, or an admin without an override — the
 * booking's policy decides by the hours left before the start.
 */
export function cancellationRefund(input: CancellationInput): { percent: number; reason: string } {
  if (input.cancelledBy === 'business') return { percent: 100, reason: 'Cancelled by the business: full refund.' };
  if (input.cancelledBy === 'system') return { percent: 100, reason: 'The booking was not confirmed in time: full refund.' };
  if (input.cancelledBy === 'admin' && input.overridePercent !== undefined) {
    assertInt(input.overridePercent, 'overridePercent', 0, 100);
    return { percent: input.overridePercent, reason: `Refund set by an administrator: ${input.overridePercent}%.` };
  }
  const percent = refundPercent(input.policy, input.hoursBeforeStart);
  const { label } = CANCELLATION_POLICIES[input.policy];
  return { percent, reason: `${label} policy, cancelled ${hoursText(input.hoursBeforeStart)}: ${percent}% refund.` };
}

/** floor(paid × percent / 100) minus what was already refunded, never below 0. */
export function refundAmount(paidMinor: number, alreadyRefundedMinor: number, percent: number): number {
  assertInt(paidMinor, 'paidMinor', 0);
  assertInt(alreadyRefundedMinor, 'alreadyRefundedMinor', 0);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw new RangeError(`percent must be 0–100, got ${percent}`);
  return Math.max(0, Math.floor((paidMinor * percent) / 100) - alreadyRefundedMinor);
}

// ───────────────────────── display ─────────────────────────

/** Minor units as money text; the currency's own decimals (JPY none, EUR two, KWD three). */
export function formatMoney(minor: number, currency: string, locale = 'en-GB'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}
