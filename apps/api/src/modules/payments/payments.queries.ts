import { and, asc, desc, eq, getTableColumns, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { bookings, businesses, payments, payoutAccounts, refunds, services, users } from '@walkydoggy/shared/db';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { cursorKey, olderThanCursor } from '../businesses/pagination.js';

export type PaymentRow = typeof payments.$inferSelect & { bookingNumber: string };
export type RefundRow = typeof refunds.$inferSelect;

const paymentColumns = { ...getTableColumns(payments), bookingNumber: bookings.number };

/** Statuses in which the money was taken (and may be refunded). */
export const PAID_STATUSES = ['succeeded', 'partially_refunded', 'refunded'] as const;

/**
 * The payments an actor may see: their own as the payer, their businesses' as a business owner,
 * every one as an admin. Used in every read, so someone else's payment is simply not found.
 */
export function paymentVisibleTo(actor: Actor): SQL | undefined {
  if (actor.role === 'admin') return undefined;
  return or(eq(payments.payerId, actor.id), sql`${payments.businessId} in (select id from businesses where owner_id = ${actor.id})`);
}

export async function findPayment(exec: Executor, id: string, actor?: Actor): Promise<PaymentRow | undefined> {
  const [row] = await exec
    .select(paymentColumns)
    .from(payments)
    .innerJoin(bookings, eq(bookings.id, payments.bookingId))
    .where(and(eq(payments.id, id), actor ? paymentVisibleTo(actor) : undefined));
  return row;
}

/** The payment, locked until the transaction ends: refunds and status changes of one payment never interleave. */
export async function lockPayment(exec: Executor, id: string): Promise<PaymentRow | undefined> {
  await exec.execute(sql`select 1 from payments where id = ${id} for update`);
  return findPayment(exec, id);
}

export async function findPaymentByIntent(exec: Executor, intentId: string): Promise<PaymentRow | undefined> {
  const [row] = await exec.select({ id: payments.id }).from(payments).where(eq(payments.providerIntentId, intentId));
  return row ? lockPayment(exec, row.id) : undefined;
}

export async function listPayments(
  exec: Executor,
  actor: Actor,
  opts: { bookingId?: string; cursor?: string; limit: number },
): Promise<(PaymentRow & { cursorKey: string })[]> {
  return exec
    .select({ ...paymentColumns, cursorKey: cursorKey(payments.createdAt, payments.id) })
    .from(payments)
    .innerJoin(bookings, eq(bookings.id, payments.bookingId))
    .where(
      and(
        paymentVisibleTo(actor),
        opts.bookingId ? eq(payments.bookingId, opts.bookingId) : undefined,
        olderThanCursor(payments.createdAt, payments.id, opts.cursor),
      ),
    )
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(opts.limit + 1);
}

export async function refundsOf(exec: Executor, paymentIds: string[]): Promise<RefundRow[]> {
  if (!paymentIds.length) return [];
  return exec.select().from(refunds).where(inArray(refunds.paymentId, paymentIds)).orderBy(asc(refunds.createdAt), asc(refunds.id));
}

/** The booking's live payment of its price: not failed or cancelled (at most one, by a unique index). */
export async function livePaymentOf(exec: Executor, bookingId: string): Promise<PaymentRow | undefined> {
  const [row] = await exec
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.bookingId, bookingId), eq(payments.kind, 'booking'), notInArray(payments.status, ['failed', 'cancelled'])));
  return row ? findPayment(exec, row.id) : undefined;
}

/** The live payment (as `livePaymentOf`) of each of these bookings that has one, in one statement. */
export async function livePaymentsOf(exec: Executor, bookingIds: string[]): Promise<(typeof payments.$inferSelect)[]> {
  if (!bookingIds.length) return [];
  return exec
    .select()
    .from(payments)
    .where(and(inArray(payments.bookingId, bookingIds), eq(payments.kind, 'booking'), notInArray(payments.status, ['failed', 'cancelled'])));
}

/** A booking as the payment rules need it, with its business's fee tier and payout account. */
export async function findBookingForPayment(exec: Executor, bookingId: string) {
  const [row] = await exec
    .select({
      id: bookings.id,
      number: bookings.number,
      ownerId: bookings.ownerId,
      businessId: bookings.businessId,
      status: bookings.status,
      totalMinor: bookings.totalMinor,
      currency: bookings.currency,
      price: bookings.price,
      startsAt: bookings.startsAt,
      serviceName: services.name,
      businessName: businesses.name,
      businessPremium: businesses.premium,
    })
    .from(bookings)
    .innerJoin(businesses, eq(businesses.id, bookings.businessId))
    .innerJoin(services, eq(services.id, bookings.serviceId))
    .where(eq(bookings.id, bookingId));
  return row;
}
export type BookingForPayment = NonNullable<Awaited<ReturnType<typeof findBookingForPayment>>>;

/** The payer's name and address for mails and invoices. */
export async function findPayer(exec: Executor, userId: string) {
  const [row] = await exec
    .select({ email: users.email, firstName: users.firstName, lastName: users.lastName, status: users.status })
    .from(users)
    .where(eq(users.id, userId));
  return row;
}

/** The sum of the refunds the provider carried out. */
export async function succeededRefundsTotal(exec: Executor, paymentId: string): Promise<number> {
  const [row] = await exec
    .select({ amountMinor: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)`.mapWith(Number) })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded')));
  return row?.amountMinor ?? 0;
}

export async function findRefund(exec: Executor, id: string): Promise<RefundRow | undefined> {
  const [row] = await exec.select().from(refunds).where(eq(refunds.id, id));
  return row;
}

export async function pendingRefundIds(exec: Executor, paymentId: string): Promise<string[]> {
  const rows = await exec
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'pending')));
  return rows.map((r) => r.id);
}

export async function findPayoutAccount(exec: Executor, businessId: string) {
  const [row] = await exec.select().from(payoutAccounts).where(eq(payoutAccounts.businessId, businessId));
  return row;
}

export async function ownsBusiness(exec: Executor, businessId: string, userId: string): Promise<boolean> {
  const [row] = await exec
    .select({ id: businesses.id })
    .from(businesses)
    .where(and(eq(businesses.id, businessId), eq(businesses.ownerId, userId)));
  return Boolean(row);
}

/** Back to authorised: only for a payment the provider captured after we had cancelled it (see the release job). */
export async function reopenCancelled(exec: Executor, id: string) {
  await exec
    .update(payments)
    .set({ status: 'authorized', cancelledAt: null })
    .where(and(eq(payments.id, id), eq(payments.status, 'cancelled')));
}
