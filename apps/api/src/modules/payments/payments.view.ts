import type { Payment } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';
import { refundsOf, type PaymentRow, type RefundRow } from './payments.queries.js';
import { refundableMinorOf } from './payments.refunds.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A payment with its refunds; `refunds` may hold other payments' refunds too. */
export function toPaymentView(row: PaymentRow, refunds: RefundRow[]): Payment {
  const own = refunds.filter((r) => r.paymentId === row.id);
  return {
    id: row.id,
    bookingId: row.bookingId,
    bookingNumber: row.bookingNumber,
    kind: row.kind,
    provider: row.provider,
    status: row.status,
    amountMinor: row.amountMinor,
    currency: row.currency,
    platformFeeMinor: row.platformFeeMinor,
    businessPayoutMinor: row.businessPayoutMinor,
    refundedMinor: row.refundedMinor,
    // The refund endpoint's own limit, so a form never offers more than it accepts.
    refundableMinor: refundableMinorOf(row, own),
    authorizedAt: iso(row.authorizedAt),
    paidAt: iso(row.paidAt),
    refundedAt: iso(row.refundedAt),
    createdAt: row.createdAt.toISOString(),
    refunds: own.map((r) => ({ id: r.id, amountMinor: r.amountMinor, reason: r.reason, status: r.status, createdAt: r.createdAt.toISOString() })),
  };
}

/** Views of several payments with their refunds in one query. */
export async function paymentViews(exec: Executor, rows: PaymentRow[]): Promise<Payment[]> {
  const refunds = await refundsOf(
    exec,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPaymentView(r, refunds));
}

export async function paymentView(exec: Executor, row: PaymentRow): Promise<Payment> {
  const [view] = await paymentViews(exec, [row]);
  return view!;
}
