/** Small rules about payments the pages share: what was taken, tip amounts. What can still be refunded is the API's `refundableMinor`. */
import { TIP_MAX_MINOR, TIP_MIN_MINOR, formatMoney, type Payment, type PaymentKind, type PaymentStatus } from '@walkydoggy/shared';
import { minorDigits } from './money';

/** Statuses in which the money was taken: these have an invoice and may be refunded (the API's PAID_STATUSES). */
export const PAID_PAYMENT_STATUSES = ['succeeded', 'partially_refunded', 'refunded'] as const satisfies readonly PaymentStatus[];

export const PAYMENT_KIND_LABELS: Record<PaymentKind, string> = { booking: 'Booking', tip: 'Tip' };

export function isPaid(payment: Pick<Payment, 'status'>): boolean {
  return (PAID_PAYMENT_STATUSES as readonly string[]).includes(payment.status);
}

/** The web page of a payment's invoice; receipt mails link to the same path. */
export const invoicePath = (paymentId: string) => `/payments/${paymentId}/invoice`;

/** Whole amounts offered as one-click tips (2, 5, 10 in the currency), inside the API's limits. */
export function tipPresets(currency: string): number[] {
  const unit = 10 ** minorDigits(currency);
  return [2, 5, 10].map((n) => n * unit).filter((minor) => minor >= TIP_MIN_MINOR && minor <= TIP_MAX_MINOR);
}

/** Why a tip amount cannot be sent, or '' when it can. */
export function tipProblem(amountMinor: number | null, currency: string): string {
  if (amountMinor === null) return 'Enter an amount, like 4 or 4.50.';
  if (amountMinor < TIP_MIN_MINOR || amountMinor > TIP_MAX_MINOR)
    return `A tip is between ${formatMoney(TIP_MIN_MINOR, currency)} and ${formatMoney(TIP_MAX_MINOR, currency)}.`;
  return '';
}
