import {
  formatMoney,
  transitionAllowed,
  transitionError,
  type Booking,
  type CancellationPolicy,
  type CancellationPreview,
  type ListBookingsQuery,
} from '@walkydoggy/shared';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { BookingPayments } from '../payments/payments.port.js';
import { actingRole, notAllowedMessage, relationOf } from './bookings.access.js';
import * as q from './bookings.queries.js';
import { refundFor } from './bookings.transitions.js';
import type { CreatedBooking } from './bookings.service.js';
import { bookingViews, toBookingView } from './bookings.view.js';

type Viewer = Pick<Actor, 'id' | 'role'>;

/** Keyset cursor over (starts_at, id): the timestamp as PostgreSQL prints it, so microseconds survive. */
function decodeCursor(cursor: string | undefined): q.ListFilter['cursor'] {
  if (!cursor) return undefined;
  const [startsAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!startsAt || !id || !/^[0-9a-f-]{36}$/i.test(id) || !/^\d{4}-\d{2}-\d{2} [\d:.]+[+-][\d:]+$/.test(startsAt))
    throw ValidationFailed.field('querystring.cursor', 'This cursor is not valid: use the nextCursor of the previous page.');
  return { startsAt, id };
}

/** Whose bookings a list shows by default: the caller's own as the role they signed up with. */
function defaultScope(actor: Viewer): q.ListFilter['scope'] {
  if (actor.role === 'admin') return 'all';
  if (actor.role === 'business') return 'business';
  if (actor.role === 'worker') return 'worker';
  return 'owner';
}

export function createBookingReads(d: { clock: Clock; payments: Pick<BookingPayments, 'forBooking' | 'forBookings'> }) {
  async function list(
    exec: Executor,
    actor: Viewer,
    query: ListBookingsQuery,
  ): Promise<{ data: Booking[]; meta: { limit: number; nextCursor: string | null } }> {
    const rows = await q.listBookings(exec, actor, {
      scope: query.role ?? defaultScope(actor),
      ...(query.status ? { statuses: query.status } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.businessId ? { businessId: query.businessId } : {}),
      ...(query.ownerId ? { ownerId: query.ownerId } : {}),
      ...(query.number ? { number: query.number } : {}),
      order: query.order,
      cursor: decodeCursor(query.cursor),
      limit: query.limit,
    });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > query.limit && last ? Buffer.from(last.cursorKey, 'utf8').toString('base64url') : null;
    return { data: await bookingViews(exec, items, actor, d.payments), meta: { limit: query.limit, nextCursor } };
  }

  async function get(exec: Executor, actor: Viewer, id: string): Promise<Booking> {
    const row = await q.findBooking(exec, id, actor);
    if (!row) throw new NotFound('Booking');
    return (await bookingViews(exec, [row], actor, d.payments, { withEvents: true }))[0]!;
  }

  /** What cancelling now would give back, for those who may cancel. */
  async function cancellationPreview(exec: Executor, actor: Viewer, id: string): Promise<CancellationPreview> {
    const row = await q.findBooking(exec, id, actor);
    if (!row) throw new NotFound('Booking');
    const role = actingRole('cancel', row, relationOf(row, actor));
    if (!role) throw new Forbidden(notAllowedMessage('cancel'));
    if (!transitionAllowed('cancel', row.status, role)) throw new Conflict(transitionError('cancel', row.status));
    const payment = await d.payments.forBooking(exec, id);
    const refund = refundFor(row, role as 'owner' | 'business' | 'admin', payment, d.clock.now());
    const money = (minor: number) => formatMoney(minor, row.currency);
    const description = refund.captured
      ? `${refund.reason} ${money(refund.refundMinor)} of the ${money(refund.paidMinor)} paid goes back.`
      : payment
        ? 'Nothing has been charged yet: the payment authorisation is released, so nothing is paid.'
        : 'Nothing has been paid, so there is nothing to refund.';
    return {
      policy: row.cancellationPolicy as CancellationPolicy,
      hoursBeforeStart: Math.round(refund.hoursBeforeStart * 100) / 100,
      refundPercent: refund.percent,
      refundMinor: refund.refundMinor,
      currency: row.currency,
      paidMinor: refund.paidMinor,
      description,
    };
  }

  /** The view of a booking `actor` has just made, from what making it established: nothing is read again. */
  function created(actor: Viewer, booking: CreatedBooking): Booking {
    // A payment is made for an existing booking, so a new one has none.
    return toBookingView(booking.details, actor, { pets: booking.pets, photos: [], payment: null, events: [booking.event] });
  }

  return { list, get, created, cancellationPreview };
}
export type BookingReads = ReturnType<typeof createBookingReads>;
