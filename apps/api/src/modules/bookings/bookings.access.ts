import { transitionAllowed, type BookingAction, type BookingActorRole, type BookingCallerAction, type BookingStatus } from '@walkydoggy/shared';
import type { Actor } from '../../platform/auth-guard.js';
import type { BookingPaymentState } from '../payments/payments.port.js';
import type { BookingDetails } from './bookings.queries.js';

/** How a caller stands to a booking they can see; one person may stand in several ways. */
export type Relation = {
  /** Made the booking (`owner_id`). */
  owner: boolean;
  /** Owns or co-owns one of its pets. */
  petOwner: boolean;
  /** Owns the business. */
  business: boolean;
  /** Is its assigned, active worker. */
  worker: boolean;
  admin: boolean;
};

export function relationOf(row: BookingDetails, actor: Pick<Actor, 'id' | 'role'>): Relation {
  return {
    owner: row.ownerId === actor.id,
    petOwner: Boolean(row.callerOwnsPet),
    business: row.businessOwnerId === actor.id,
    worker: row.workerId !== null && row.workerUserId === actor.id && row.workerActive === true,
    admin: actor.role === 'admin',
  };
}

/**
 * The role in which the caller would make `action`, or null when they have none for it. Start and
 * complete belong to the assigned worker; the business owner stands in only when nobody is assigned.
 */
export function actingRole(action: BookingAction, row: Pick<BookingDetails, 'workerId'>, rel: Relation): BookingActorRole | null {
  switch (action) {
    case 'confirm':
    case 'decline':
      return rel.business ? 'business' : rel.worker ? 'worker' : null;
    case 'start':
    case 'complete':
      if (row.workerId) return rel.worker ? 'worker' : null;
      return rel.business ? 'business' : null;
    case 'cancel':
      return rel.owner ? 'owner' : rel.business ? 'business' : rel.admin ? 'admin' : null;
    case 'expire':
      return null;
  }
}

const WHO_MAY: Record<Exclude<BookingAction, 'expire'>, string> = {
  confirm: 'Only the business or the assigned worker can confirm this booking.',
  decline: 'Only the business or the assigned worker can decline this booking.',
  start: 'Only the assigned worker (or the business, when nobody is assigned) can start this booking.',
  complete: 'Only the assigned worker (or the business, when nobody is assigned) can complete this booking.',
  cancel: 'Only the person who booked, the business or an administrator can cancel this booking.',
};
export const notAllowedMessage = (action: BookingAction) => (action === 'expire' ? 'Bookings expire on their own.' : WHO_MAY[action]);

/** Whether the caller may change the booking's details now (owner: pending; business owner: assign a worker). */
export function mayEdit(row: Pick<BookingDetails, 'status'>, rel: Relation): boolean {
  if (rel.owner && row.status === 'pending') return true;
  return rel.business && (row.status === 'pending' || row.status === 'confirmed');
}

/** What the caller can do with the booking now: the buttons a client shows. */
export function callerActions(row: BookingDetails, rel: Relation, payment: BookingPaymentState | null): BookingCallerAction[] {
  const status = row.status as BookingStatus;
  const can = (action: Exclude<BookingAction, 'expire'>) => {
    const role = actingRole(action, row, rel);
    return role !== null && transitionAllowed(action, status, role);
  };
  const paid = row.totalMinor === 0 || payment?.status === 'authorized';
  const actions: BookingCallerAction[] = [];
  if (can('confirm') && paid) actions.push('confirm');
  if (can('decline')) actions.push('decline');
  if (can('start')) actions.push('start');
  if (can('complete')) actions.push('complete');
  if (can('cancel')) actions.push('cancel');
  if (mayEdit(row, rel)) actions.push('edit');
  if (rel.owner && status === 'pending' && row.totalMinor > 0 && (!payment || payment.status === 'pending')) actions.push('pay');
  if (rel.owner && status === 'completed') actions.push('tip');
  return actions;
}
