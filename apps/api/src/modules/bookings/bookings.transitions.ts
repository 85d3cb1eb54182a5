import {
  BOOKING_TRANSITIONS,
  cancellationRefund,
  formatMoney,
  refundAmount,
  transitionAllowed,
  transitionError,
  type BookingAction,
  type BookingActorRole,
  type CancellationPolicy,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Tx } from '../../platform/db.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { unusedBookingPhotos } from '../media/media.access.js';
import type { BookingMoneyEvent, BookingPaymentState, BookingPayments } from '../payments/payments.port.js';
import { actingRole, notAllowedMessage, relationOf } from './bookings.access.js';
import type { BookingMails } from './bookings.mails.js';
import * as q from './bookings.queries.js';
import { assertCanSetOff } from './bookings.setoff.js';

/*
 * The one way a booking changes status. It checks who may (403) and whether the state machine has the
 * move (409), writes the status with its timestamps and reason, records the event, tells payments
 * what the move means for the money, notifies the people concerned and enqueues the jobs that follow
 * (reminders, the walk report) — all on the caller's transaction, so either everything happens or
 * nothing does.
 */

export type TransitionDeps = Pick<Platform, 'clock' | 'queue'> & { payments: BookingPayments; mails: BookingMails };
/** A signed-in caller, or the system (expiry). */
export type TransitionActor = Pick<Actor, 'id' | 'role'> | 'system';
export type TransitionInput = { reason?: string | null; notes?: string | null; photoIds?: string[]; refundPercent?: number };

const CAPTURED: BookingPaymentState['status'][] = ['succeeded', 'partially_refunded'];
/** The reminders a confirmed booking gets, by how long before its start. */
const REMINDERS = [
  { kind: '24h', beforeMs: 24 * 3_600_000 },
  { kind: '1h', beforeMs: 3_600_000 },
] as const;
export const WAITING_FOR_PAYMENT = "This booking is waiting for the owner's payment: it can be confirmed once the payment is authorised.";

/** Who cancelled, as the other parties read it in the mail. */
function cancelledByText(role: BookingActorRole, row: q.BookingRow): string {
  if (role === 'owner') return `${row.ownerFirstName} ${row.ownerLastName}`.trim();
  if (role === 'business') return row.businessName;
  if (role === 'admin') return 'WalkyDoggy support';
  return 'WalkyDoggy';
}

/** What the owner gets back on cancelling now, by the policy (or the admin's override). */
export function refundFor(
  row: Pick<q.BookingRow, 'startsAt' | 'cancellationPolicy' | 'status'>,
  role: 'owner' | 'business' | 'admin' | 'system',
  payment: BookingPaymentState | null,
  now: Date,
  overridePercent?: number,
) {
  const hoursBeforeStart = (row.startsAt.getTime() - now.getTime()) / 3_600_000;
  const { percent, reason } = cancellationRefund({
    policy: row.cancellationPolicy as CancellationPolicy,
    hoursBeforeStart,
    cancelledBy: role,
    ...(overridePercent !== undefined ? { overridePercent } : {}),
  });
  // A confirmed booking's money belongs to the business by the policy even while its capture job has
  // not run yet: releasing the whole authorisation then would refund what the business may keep.
  const captured = payment !== null && (CAPTURED.includes(payment.status) || (row.status === 'confirmed' && payment.status === 'authorized'));
  const paidMinor = captured ? payment.amountMinor : 0;
  const refundMinor = captured ? refundAmount(payment.amountMinor, payment.refundedMinor, percent) : 0;
  return { hoursBeforeStart, percent, reason, captured, paidMinor, refundMinor };
}

/** Completion photos must be the worker's own `booking_photo` uploads, not used anywhere yet. */
async function checkPhotos(tx: Tx, uploaderId: string, photoIds: string[]) {
  if (!photoIds.length) return;
  const ok = await unusedBookingPhotos(tx, uploaderId, photoIds);
  const details = photoIds.flatMap((id, i) =>
    ok.has(id) ? [] : [{ path: `body.photoIds.${i}`, message: 'Upload the photo first (purpose booking_photo) and use it once.', code: 'invalid_media' }],
  );
  if (details.length) throw new ValidationFailed('Some photos cannot be attached.', details);
}

export function createTransitions(d: TransitionDeps) {
  /**
   * The reminders of a booking just confirmed, each due its time before the start; one whose time has
   * passed already is not sent. Each job carries the start it reminds of: the job checks the booking
   * still starts then and is still confirmed.
   */
  async function enqueueReminders(tx: Tx, row: Pick<q.BookingRow, 'id' | 'startsAt'>, now: Date) {
    for (const { kind, beforeMs } of REMINDERS) {
      const seconds = Math.ceil((row.startsAt.getTime() - beforeMs - now.getTime()) / 1000);
      if (seconds <= 0) continue;
      await d.queue.enqueue(tx, 'notifications.reminder', { bookingId: row.id, kind, startsAt: row.startsAt.toISOString() }, { startAfterSeconds: seconds });
    }
  }

  /**
   * Moves booking `id` by `action` for `actor`, on `tx`. Returns the booking row after the move (as the
   * actor sees it). 404 when the actor cannot see the booking, 403 when they may not make this move,
   * 409 when the booking's status does not allow it (or, for confirm, the payment is not authorised).
   */
  async function transition(tx: Tx, actor: TransitionActor, id: string, action: BookingAction, input: TransitionInput = {}): Promise<q.BookingRow> {
    const system = actor === 'system';
    const row = await q.findBooking(tx, id, system ? null : actor, true);
    if (!row) throw new NotFound('Booking');
    const role: BookingActorRole | null = system ? (action === 'expire' ? 'system' : null) : actingRole(action, row, relationOf(row, actor));
    if (!role) throw new Forbidden(notAllowedMessage(action));
    if (input.refundPercent !== undefined && role !== 'admin') throw new Forbidden('Only an administrator can set the refund percentage.');
    if (!transitionAllowed(action, row.status, role)) throw new Conflict(transitionError(action, row.status));

    const now = d.clock.now();
    const actorId = system ? null : actor.id;
    const to = BOOKING_TRANSITIONS[action].to;
    const patch: Parameters<typeof q.updateBooking>[2] = { status: to, updatedAt: now };
    let money: BookingMoneyEvent | null = null;
    let reason: string | null = input.reason ?? null;
    let refundText: string | null = null;
    const payment = await d.payments.forBooking(tx, id);

    switch (action) {
      case 'confirm':
        if (row.totalMinor > 0 && payment?.status !== 'authorized') throw new Conflict(WAITING_FOR_PAYMENT);
        patch.confirmedAt = now;
        if (payment) money = { kind: 'confirmed', bookingId: id };
        break;
      case 'decline':
        patch.declinedAt = now;
        patch.declineReason = reason;
        if (payment) money = { kind: 'released', bookingId: id, reason: reason ?? 'Declined by the business.' };
        break;
      case 'expire':
        reason = 'No answer before the request expired.';
        if (payment) money = { kind: 'released', bookingId: id, reason };
        break;
      case 'start':
        assertCanSetOff(row, now, 'start');
        patch.startedAt = now;
        break;
      case 'complete':
        await checkPhotos(tx, actorId!, input.photoIds ?? []);
        patch.completedAt = now;
        patch.completionNotes = input.notes ?? null;
        await q.insertPhotos(tx, id, input.photoIds ?? [], now);
        break;
      case 'cancel': {
        const refund = refundFor(row, role as 'owner' | 'business' | 'admin', payment, now, input.refundPercent);
        patch.cancelledAt = now;
        patch.cancelledBy = actorId;
        patch.cancellationReason = reason;
        if (refund.captured) {
          money = { kind: 'refund', bookingId: id, percent: refund.percent, reason: `${reason} — ${refund.reason}`, actorId };
          refundText = formatMoney(refund.refundMinor, row.currency);
        } else if (payment && payment.status !== 'refunded') money = { kind: 'released', bookingId: id, reason: reason ?? 'Cancelled.' };
        break;
      }
    }

    await q.updateBooking(tx, id, patch);
    await q.insertEvent(tx, { bookingId: id, fromStatus: row.status, toStatus: to, actorId, actorRole: role, reason, at: now });
    const after = (await q.findBooking(tx, id, null))!;
    if (action === 'confirm' || action === 'decline' || action === 'expire' || action === 'complete')
      await d.mails.answered(tx, after, BOOKING_TRANSITIONS[action].to as 'confirmed' | 'declined' | 'expired' | 'completed');
    if (action === 'start') await d.mails.started(tx, after);
    if (action === 'confirm') await enqueueReminders(tx, after, now);
    // The walk report is built once the completion has committed (it flushes the track's points first).
    if (action === 'complete') await d.queue.enqueue(tx, 'tracking.report', { bookingId: id });
    if (action === 'cancel')
      await d.mails.cancelled(tx, after, { actorId, cancelledBy: cancelledByText(role, row), refund: refundText, wasConfirmed: row.status === 'confirmed' });
    if (money) await d.payments.apply(tx, money);
    return system ? after : (await q.findBooking(tx, id, actor))!;
  }

  return { transition };
}
export type Transitions = ReturnType<typeof createTransitions>;
