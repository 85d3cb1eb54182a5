import { z } from 'zod';
import { calendarDateSchema, dateRangeProblem } from './input.js';
import { catalogPageQuerySchema } from './businesses.js';

/*
 * Payment schemas of docs/api/bookings.md ("Payments"). The status list repeats `db/bookings.ts` so the
 * web app does not load drizzle (a test keeps them equal).
 */

export const PAYMENT_STATUSES = ['pending', 'authorized', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const PAYMENT_PROVIDERS = ['stripe', 'simulated'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];
/** `booking`: the booking's price, authorised then captured; `tip`: after completion, all to the business. */
export const PAYMENT_KINDS = ['booking', 'tip'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const TIP_MIN_MINOR = 100;
export const TIP_MAX_MINOR = 1_000_000;

const uuid = z.uuid({ message: 'Not a valid id.' });
const reasonSchema = z.string().trim().min(1, 'Give a reason.').max(500, 'At most 500 characters.');

// ───────────────────────── requests ─────────────────────────

/** A booking is paid its total (the API computes it), so only a tip names an amount. */
export const createIntentBodySchema = z
  .object({
    bookingId: uuid,
    kind: z.enum(PAYMENT_KINDS).default('booking'),
    amountMinor: z.number().int('Whole minor units (cents).').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'booking' && v.amountMinor !== undefined)
      ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: 'A booking is paid its total; send an amount only for a tip.' });
    if (v.kind === 'tip' && v.amountMinor === undefined) ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: 'Give the tip amount.' });
    if (v.kind === 'tip' && v.amountMinor !== undefined && (v.amountMinor < TIP_MIN_MINOR || v.amountMinor > TIP_MAX_MINOR))
      ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: `A tip is between ${TIP_MIN_MINOR} and ${TIP_MAX_MINOR} minor units.` });
  });
export type CreateIntentBody = z.input<typeof createIntentBodySchema>;
export type CreateIntentInput = z.output<typeof createIntentBodySchema>;

export const confirmPaymentBodySchema = z.object({ paymentId: uuid });
export type ConfirmPaymentBody = z.infer<typeof confirmPaymentBodySchema>;

/** Without `amountMinor`: everything that remains. */
export const refundBodySchema = z.object({
  amountMinor: z.number().int('Whole minor units (cents).').positive('More than 0.').optional(),
  reason: reasonSchema,
});
export type RefundBody = z.infer<typeof refundBodySchema>;

export const listPaymentsQuerySchema = catalogPageQuerySchema.extend({ bookingId: uuid.optional() });
export type ListPaymentsQuery = z.output<typeof listPaymentsQuerySchema>;

export const paymentIdParamsSchema = z.object({ id: uuid });
export const invoiceQuerySchema = z.object({ format: z.enum(['html', 'pdf']).default('html') });

/** Earnings cover at most this many days at once (a year, a leap year included). */
export const MAX_EARNINGS_DAYS = 366;
export const earningsQuerySchema = z.object({ from: calendarDateSchema.optional(), to: calendarDateSchema.optional() }).superRefine((v, ctx) => {
  const problem = dateRangeProblem(v.from, v.to, MAX_EARNINGS_DAYS);
  if (problem) ctx.addIssue({ code: 'custom', ...problem });
});
export type EarningsQuery = z.infer<typeof earningsQuerySchema>;

// ───────────────────────── responses ─────────────────────────

const nullableString = z.string().nullable();
const minor = z.number().int();

export const refundSchema = z.object({ id: z.string(), amountMinor: minor, reason: z.string(), status: z.enum(REFUND_STATUSES), createdAt: z.string() });
export type Refund = z.infer<typeof refundSchema>;

export const paymentSchema = z.object({
  id: z.string(),
  bookingId: z.string(),
  bookingNumber: z.string(),
  kind: z.enum(PAYMENT_KINDS),
  provider: z.enum(PAYMENT_PROVIDERS),
  status: z.enum(PAYMENT_STATUSES),
  amountMinor: minor,
  currency: z.string(),
  platformFeeMinor: minor,
  businessPayoutMinor: minor,
  refundedMinor: minor,
  /**
   * What a refund may still give back: nothing unless the money was taken; else the amount minus what
   * was refunded or is on its way back (pending refunds count). The refund endpoint's own limit.
   */
  refundableMinor: minor,
  authorizedAt: nullableString,
  paidAt: nullableString,
  refundedAt: nullableString,
  createdAt: z.string(),
  refunds: z.array(refundSchema),
});
export type Payment = z.infer<typeof paymentSchema>;

export const intentResponseSchema = z.object({
  payment: paymentSchema,
  /** Stripe's client secret for Stripe.js; null with the simulated provider. */
  clientSecret: nullableString,
  testMode: z.boolean(),
});
export type IntentResponse = z.infer<typeof intentResponseSchema>;

/** Earnings list the newest payouts of the period, at most this many; the totals cover all of them. */
export const EARNINGS_PAYOUTS_LISTED = 200;
export const earningsSchema = z.object({
  currency: z.string(),
  grossMinor: minor,
  platformFeesMinor: minor,
  refundsMinor: minor,
  tipsMinor: minor,
  netMinor: minor,
  /** Payments in the period (in `currency`); `payouts` lists the newest EARNINGS_PAYOUTS_LISTED of them. */
  payoutCount: z.number().int(),
  payouts: z.array(
    z.object({
      paymentId: z.string(),
      bookingId: z.string(),
      bookingNumber: z.string(),
      kind: z.enum(PAYMENT_KINDS),
      amountMinor: minor,
      feeMinor: minor,
      payoutMinor: minor,
      refundedMinor: minor,
      paidAt: nullableString,
    }),
  ),
});
export type Earnings = z.infer<typeof earningsSchema>;

/** `GET /businesses/:id/payouts` answers this or null (no account yet). */
export const payoutAccountSchema = z.object({
  accountId: z.string(),
  chargesEnabled: z.boolean(),
  payoutsEnabled: z.boolean(),
  detailsSubmitted: z.boolean(),
});
export type PayoutAccount = z.infer<typeof payoutAccountSchema>;

export const onboardingResponseSchema = z.object({ url: z.string(), accountId: z.string(), provider: z.enum(PAYMENT_PROVIDERS) });
export type OnboardingResponse = z.infer<typeof onboardingResponseSchema>;

/** `payments` of `GET /v1/config`. */
export const paymentsConfigSchema = z.object({ provider: z.enum(PAYMENT_PROVIDERS), publishableKey: nullableString });
export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
