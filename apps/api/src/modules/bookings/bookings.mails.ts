import { DateTime } from 'luxon';
import type { Address } from '@walkydoggy/shared/db';
import type { MailAttachment, MailTemplate } from '@walkydoggy/shared';
import type { Platform } from '../../app.js';
import type { Tx } from '../../platform/db.js';
import { bookingIcs } from '../calendars/ics.js';
import { contactsOf, petsOf, type BookingDetails } from './bookings.queries.js';

/*
 * The mails a booking's changes send. They are enqueued on the transaction of the change itself, so a
 * change that rolls back sends nothing and one that commits always sends.
 */

type Deps = Pick<Platform, 'queue' | 'config' | 'clock'>;

/** When the booking happens, in the business's time zone: "Tue 4 Mar 2025, 10:00–11:00 (Europe/Berlin)". */
export function formatWhen(row: Pick<BookingDetails, 'kind' | 'startsAt' | 'endsAt' | 'startDate' | 'endDate' | 'serviceType' | 'businessTimeZone'>): string {
  const zone = row.businessTimeZone;
  if (row.kind === 'day' && row.startDate && row.endDate) {
    const day = (d: string) => DateTime.fromISO(d, { zone: 'UTC' }).toFormat('ccc d LLL yyyy');
    const last = row.serviceType === 'daycare' ? DateTime.fromISO(row.endDate, { zone: 'UTC' }).minus({ days: 1 }).toISODate()! : row.endDate;
    if (last === row.startDate) return day(row.startDate);
    return row.serviceType === 'boarding' ? `${day(row.startDate)} to ${day(last)} (check-out)` : `${day(row.startDate)} to ${day(last)}`;
  }
  const start = wallClock(zone, row.startsAt);
  const end = wallClock(zone, row.endsAt);
  return `${start.day}, ${start.time}–${start.day === end.day ? end.time : `${end.day}, ${end.time}`} (${zone})`;
}

/** One formatter per time zone: making an Intl.DateTimeFormat costs far more than using one (every booking request mails). */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** "Tue 4 Jun 2030" and "10:00" at an instant in a zone; English names whatever the server's locale, as the mails are English. */
function wallClock(zone: string, at: Date): { day: string; time: string } {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    wallClocks.set(zone, format);
  }
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of format.formatToParts(at)) part[type] = value;
  return { day: `${part.weekday} ${part.day} ${part.month} ${part.year}`, time: `${part.hour}:${part.minute}` };
}

function addressText(address: Address | null): string | null {
  if (!address) return null;
  const parts = [address.street, [address.postalCode, address.city].filter(Boolean).join(' '), address.country].filter((p) => p && p.trim());
  return parts.length ? parts.join(', ') : null;
}

const fullName = (first: string | null, last: string | null) => `${first ?? ''} ${last ?? ''}`.trim();

export function createBookingMails(p: Deps) {
  const link = (row: BookingDetails) => `${p.config.publicUrl}/bookings/${row.id}`;

  async function send(tx: Tx, to: string, mail: MailTemplate, attachments?: MailAttachment[]) {
    await p.queue.enqueue(tx, 'mail.send', { to, ...mail, ...(attachments ? { attachments } : {}) });
  }

  /** The booking as a one-event calendar, for the owner's calendar app. */
  async function icsFor(tx: Tx, row: BookingDetails, status: 'confirmed' | 'cancelled'): Promise<MailAttachment> {
    const petNames = (await petsOf(tx, [row.id])).map((pet) => pet.name).join(', ');
    const description = [
      `${row.serviceName} with ${row.businessName} for ${petNames}.`,
      row.specialInstructions ? `Instructions: ${row.specialInstructions}` : null,
    ]
      .filter(Boolean)
      .join('\n');
    const now = p.clock.now();
    const content = bookingIcs({
      uid: row.id,
      number: row.number,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      summary: `${row.serviceName} — ${row.businessName}`,
      description,
      location: row.locationKind === 'business' ? (addressText(row.businessAddress) ?? row.businessName) : addressText(row.address),
      url: link(row),
      status,
      updatedAt: now,
      dtstamp: now,
    });
    return { filename: `booking-${row.number}.ics`, contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content };
  }

  /**
   * A new request: to the business owner and, when one is assigned, the worker (`recipients`, read by
   * the caller with the rest of the new booking; accounts that are not active get nothing).
   */
  async function requested(tx: Tx, row: BookingDetails, recipients: { email: string; status: string }[]) {
    const mail = {
      template: 'booking-requested' as const,
      businessName: row.businessName,
      ownerName: fullName(row.ownerFirstName, row.ownerLastName),
      serviceName: row.serviceName,
      when: formatWhen(row),
      number: row.number,
      link: link(row),
    };
    const to = recipients.filter((r) => r.status === 'active').map((r) => r.email);
    // One statement for both mails: every booking request makes them.
    await p.queue.enqueueMany(
      tx,
      'mail.send',
      to.map((email) => ({ to: email, ...mail })),
    );
  }

  /** The owner hears the business's answer, or that nobody answered in time. */
  async function answered(tx: Tx, row: BookingDetails, outcome: 'confirmed' | 'declined' | 'expired' | 'completed') {
    const owner = (await contactsOf(tx, [row.ownerId])).get(row.ownerId);
    if (!owner) return;
    const base = { firstName: owner.firstName, businessName: row.businessName, serviceName: row.serviceName, number: row.number, link: link(row) };
    if (outcome === 'confirmed')
      return send(tx, owner.email, { template: 'booking-confirmed', ...base, when: formatWhen(row) }, [await icsFor(tx, row, 'confirmed')]);
    if (outcome === 'declined') return send(tx, owner.email, { template: 'booking-declined', ...base, when: formatWhen(row), reason: row.declineReason });
    if (outcome === 'expired') return send(tx, owner.email, { template: 'booking-expired', ...base, when: formatWhen(row) });
    return send(tx, owner.email, { template: 'booking-completed', ...base, notes: row.completionNotes });
  }

  /**
   * A cancellation reaches everyone involved but the person who cancelled. The owner's copy of a
   * booking that was in their calendar carries the cancelled event, which removes it there.
   */
  async function cancelled(tx: Tx, row: BookingDetails, args: { actorId: string | null; cancelledBy: string; refund: string | null; wasConfirmed: boolean }) {
    const recipients = [row.ownerId, row.businessOwnerId, ...(row.workerUserId ? [row.workerUserId] : [])].filter((id) => id !== args.actorId);
    const contacts = await contactsOf(tx, recipients);
    const ics = args.wasConfirmed && contacts.has(row.ownerId) ? [await icsFor(tx, row, 'cancelled')] : undefined;
    for (const [userId, contact] of contacts)
      await send(
        tx,
        contact.email,
        {
          template: 'booking-cancelled',
          firstName: contact.firstName,
          cancelledBy: args.cancelledBy,
          serviceName: row.serviceName,
          when: formatWhen(row),
          number: row.number,
          reason: row.cancellationReason ?? '',
          refund: args.refund,
          link: link(row),
        },
        userId === row.ownerId ? ics : undefined,
      );
  }

  return { requested, answered, cancelled };
}
export type BookingMails = ReturnType<typeof createBookingMails>;
