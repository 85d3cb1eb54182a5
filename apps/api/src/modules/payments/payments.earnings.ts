import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { bookings, payments, services } from '@walkydoggy/shared/db';
import { EARNINGS_PAYOUTS_LISTED, MAX_EARNINGS_DAYS, type Earnings, type EarningsQuery } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { ValidationFailed } from '../../platform/errors.js';
import { PAID_STATUSES } from './payments.queries.js';
import type { createPayoutsService } from './payments.payouts.js';

export const DEFAULT_EARNINGS_DAYS = 30;

/**
 * What a business earned from the payments taken in a period (by `paidAt`, dates in its time zone,
 * both inclusive): each payment's payout is what it paid minus what was refunded minus the platform
 * fee that was kept (the fee given back with a refund is the business's again). So
 * net = gross + tips − refunds − fees, and net is the sum of the payouts.
 */
export function createEarningsService(p: Pick<Platform, 'db' | 'clock'>, payouts: Pick<ReturnType<typeof createPayoutsService>, 'readable'>) {
  return async function earnings(actor: Actor, businessId: string, query: EarningsQuery): Promise<Earnings> {
    const business = await payouts.readable(actor, businessId);
    const zone = business.timeZone;
    const today = DateTime.fromJSDate(p.clock.now(), { zone }).startOf('day');
    const to = query.to ? DateTime.fromISO(query.to, { zone }) : today;
    const from = query.from ? DateTime.fromISO(query.from, { zone }) : to.minus({ days: DEFAULT_EARNINGS_DAYS - 1 });
    if (to.diff(from, 'days').days >= MAX_EARNINGS_DAYS) throw ValidationFailed.field('querystring.from', `Ask for at most ${MAX_EARNINGS_DAYS} days at once.`);

    const inPeriod = and(
      eq(payments.businessId, businessId),
      inArray(payments.status, [...PAID_STATUSES]),
      gte(payments.paidAt, from.toJSDate()),
      lt(payments.paidAt, to.plus({ days: 1 }).toJSDate()),
    );
    const fee = sql<number>`${payments.platformFeeMinor} - ${payments.feeRefundedMinor}`;
    // The totals are summed by the database, however many payments the period holds; one currency per
    // business in practice, and should several appear, the totals are of the most used one.
    const [totals] = await p.db
      .select({
        currency: payments.currency,
        count: sql<number>`count(*)::int`,
        grossMinor: sql<number>`coalesce(sum(${payments.amountMinor}) filter (where ${payments.kind} <> 'tip'), 0)::bigint`,
        tipsMinor: sql<number>`coalesce(sum(${payments.amountMinor}) filter (where ${payments.kind} = 'tip'), 0)::bigint`,
        platformFeesMinor: sql<number>`coalesce(sum(${fee}), 0)::bigint`,
        refundsMinor: sql<number>`coalesce(sum(${payments.refundedMinor}), 0)::bigint`,
      })
      .from(payments)
      .where(inPeriod)
      .groupBy(payments.currency)
      .orderBy(desc(sql`count(*)`), asc(payments.currency))
      .limit(1);
    const currency = totals?.currency ?? (await defaultCurrency(p, businessId));
    const [gross, tips, fees, refunds] = [totals?.grossMinor, totals?.tipsMinor, totals?.platformFeesMinor, totals?.refundsMinor].map((v) =>
      Number(v ?? 0),
    ) as [number, number, number, number];
    // Only the newest payouts are listed: the page shows a period's totals and its latest payments.
    const rows = await p.db
      .select({
        id: payments.id,
        kind: payments.kind,
        amountMinor: payments.amountMinor,
        platformFeeMinor: payments.platformFeeMinor,
        feeRefundedMinor: payments.feeRefundedMinor,
        refundedMinor: payments.refundedMinor,
        paidAt: payments.paidAt,
        bookingId: payments.bookingId,
        bookingNumber: bookings.number,
      })
      .from(payments)
      .innerJoin(bookings, eq(bookings.id, payments.bookingId))
      .where(and(inPeriod, eq(payments.currency, currency)))
      .orderBy(desc(payments.paidAt), desc(payments.id))
      .limit(EARNINGS_PAYOUTS_LISTED);

    const result: Earnings = {
      currency,
      grossMinor: gross,
      platformFeesMinor: fees,
      refundsMinor: refunds,
      tipsMinor: tips,
      netMinor: gross + tips - refunds - fees,
      payoutCount: totals?.count ?? 0,
      payouts: [],
    };
    for (const r of rows) {
      const feeMinor = r.platformFeeMinor - r.feeRefundedMinor;
      result.payouts.push({
        paymentId: r.id,
        bookingId: r.bookingId,
        bookingNumber: r.bookingNumber,
        kind: r.kind,
        amountMinor: r.amountMinor,
        feeMinor,
        payoutMinor: r.amountMinor - r.refundedMinor - feeMinor,
        refundedMinor: r.refundedMinor,
        paidAt: r.paidAt?.toISOString() ?? null,
      });
    }
    return result;
  };
}

/** With nothing paid yet, the currency the business prices its services in. */
async function defaultCurrency(p: Pick<Platform, 'db'>, businessId: string): Promise<string> {
  const [row] = await p.db
    .select({ currency: services.currency })
    .from(services)
    .where(eq(services.businessId, businessId))
    .orderBy(asc(services.createdAt))
    .limit(1);
  return row?.currency ?? 'EUR';
}
