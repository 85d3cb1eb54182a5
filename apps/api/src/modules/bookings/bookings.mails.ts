import { DateTime } from 'luxon';
import type { Address } from '@walkydoggy/shared/db';
import type { MailAttachment, NotificationType } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Tx } from '../../platform/db.js';
import { bookingIcs } from '../calendars/ics.js';
import { contactsOf, petsOf, type BookingDetails } from './bookings.queries.js';

import type { NotifyInput } from '../../platform/notifier.js';

/*
 * What a booking's changes tell its people: one notification each (in the app always; by e-mail, SMS
 * and push as their preferences say), its e-mail being the booking mail of the change. They are
 * created on the transaction of the change itself, so a change that rolls back tells nobody and one
 * that commits always does.
 */

type Deps = Pick<Platform, 'notifier' | 'config' | 'clock'>;

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
  /** The booking in the mails (absolute) and in the app (a path, what notifications carry). */
  const link = (row: { id: string }) => `${p.config.publicUrl}/bookings/${row.id}`;
  const appLink = (row: { id: string }) => `/bookings/${row.id}`;

  /** A notification about `row` to `userId`; without `mail`, the notifier's generic e-mail. */
  function notice(
    row: Pick<BookingDetails, 'id' | 'number'>,
    userId: string,
    type: NotificationType,
    text: { title: string; message: string },
    extra: Pick<NotifyInput, 'mail' | 'attachments' | 'dedupeKey'> = {},
  ): NotifyInput {
    return { userId, type, ...text, data: { bookingId: row.id, number: row.number, link: appLink(row) }, ...extra };
  }

  /** Nobody to tell (everyone concerned is inactive, or cancelled it themself) is nothing to do. */
  async function notifyAll(tx: Tx, inputs: NotifyInput[]) {
    if (inputs.length) await p.notifier.notify(tx, inputs);
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
  async function requested(tx: Tx, row: BookingDetails, recipients: { id: string; status: string }[]) {
    const ownerName = fullName(row.ownerFirstName, row.ownerLastName);
    const when = formatWhen(row);
    const mail = {
      template: 'booking-requested' as const,
      businessName: row.businessName,
      ownerName,
      serviceName: row.serviceName,
      when,
      number: row.number,
      link: link(row),
    };
    const text = { title: `New booking request ${row.number}`, message: `${ownerName} asked for ${row.serviceName} on ${when}.` };
    // One call for both: every booking request makes them.
    await notifyAll(
      tx,
      recipients.filter((r) => r.status === 'active').map((r) => notice(row, r.id, 'booking.requested', text, { mail })),
    );
  }

  /** The owner hears the business's answer, or that nobody answered in time, or that the walk or visit is done. */
  async function answered(tx: Tx, row: BookingDetails, outcome: 'confirmed' | 'declined' | 'expired' | 'completed') {
    const owner = (await contactsOf(tx, [row.ownerId])).get(row.ownerId);
    if (!owner) return;
    const base = { firstName: owner.firstName, businessName: row.businessName, serviceName: row.serviceName, number: row.number, link: link(row) };
    const when = formatWhen(row);
    const to = (type: NotificationType, title: string, message: string, extra: Parameters<typeof notice>[4]) =>
      p.notifier.notify(tx, notice(row, row.ownerId, type, { title, message }, extra));
    if (outcome === 'confirmed')
      return to('booking.confirmed', `Booking ${row.number} confirmed`, `${row.businessName} confirmed ${row.serviceName} on ${when}.`, {
        mail: { template: 'booking-confirmed', ...base, when },
        attachments: [await icsFor(tx, row, 'confirmed')],
      });
    if (outcome === 'declined')
      return to(
        'booking.declined',
        `Booking ${row.number} declined`,
        `${row.businessName} cannot take ${row.serviceName} on ${when}.${row.declineReason ? ` Their reason: ${row.declineReason}` : ''} Nothing is charged.`,
        { mail: { template: 'booking-declined', ...base, when, reason: row.declineReason } },
      );
    if (outcome === 'expired')
      return to('booking.expired', `Booking request ${row.number} expired`, `${row.businessName} did not answer in time. Nothing is charged.`, {
        mail: { template: 'booking-expired', ...base, when },
      });
    return to('booking.completed', `${row.serviceName} done`, `${row.businessName} completed ${row.serviceName} (booking ${row.number}).`, {
      mail: { template: 'booking-completed', ...base, notes: row.completionNotes },
    });
  }

  /** The walk or visit began: the owner hears it (no mail of its own: the notifier's generic one). */
  async function started(tx: Tx, row: BookingDetails) {
    if (!(await contactsOf(tx, [row.ownerId])).has(row.ownerId)) return;
    const who = row.workerFirstName ?? row.businessName;
    await p.notifier.notify(
      tx,
      notice(row, row.ownerId, 'booking.started', {
        title: `${row.serviceName} started`,
        message: `${who} started ${row.serviceName} (booking ${row.number}).`,
      }),
    );
  }

  /**
   * A cancellation reaches everyone involved but the person who cancelled. The owner's copy of a
   * booking that was in their calendar carries the cancelled event, which removes it there.
   */
  async function cancelled(tx: Tx, row: BookingDetails, args: { actorId: string | null; cancelledBy: string; refund: string | null; wasConfirmed: boolean }) {
    const recipients = [row.ownerId, row.businessOwnerId, ...(row.workerUserId ? [row.workerUserId] : [])].filter((id) => id !== args.actorId);
    const contacts = await contactsOf(tx, recipients);
    const ics = args.wasConfirmed && contacts.has(row.ownerId) ? [await icsFor(tx, row, 'cancelled')] : undefined;
    const when = formatWhen(row);
    const text = {
      title: `Booking ${row.number} cancelled`,
      message: `${args.cancelledBy} cancelled ${row.serviceName} on ${when}.${row.cancellationReason ? ` Reason: ${row.cancellationReason}` : ''}`,
    };
    await notifyAll(
      tx,
      [...contacts].map(([userId, contact]) =>
        notice(row, userId, 'booking.cancelled', text, {
          mail: {
            template: 'booking-cancelled',
            firstName: contact.firstName,
            cancelledBy: args.cancelledBy,
            serviceName: row.serviceName,
            when,
            number: row.number,
            reason: row.cancellationReason ?? '',
            refund: args.refund,
            link: link(row),
          },
          ...(userId === row.ownerId && ics ? { attachments: ics } : {}),
        }),
      ),
    );
  }

  /**
   * A confirmed booking is about to begin: its owner and assigned worker are reminded (the generic
   * mail). The key makes a reminder job that runs twice remind once.
   */
  async function reminder(tx: Tx, row: BookingDetails, kind: '24h' | '1h') {
    const recipients = [row.ownerId, ...(row.workerUserId ? [row.workerUserId] : [])];
    const contacts = await contactsOf(tx, recipients);
    const when = formatWhen(row);
    const soon = kind === '24h' ? 'Tomorrow' : 'In an hour';
    const ownerName = fullName(row.ownerFirstName, row.ownerLastName);
    await notifyAll(
      tx,
      [...contacts.keys()].map((userId) =>
        notice(
          row,
          userId,
          kind === '24h' ? 'booking.reminder_24h' : 'booking.reminder_1h',
          {
            title: `${soon}: ${row.serviceName}`,
            message:
              userId === row.ownerId
                ? `${row.serviceName} with ${row.businessName}, ${when} (booking ${row.number}).`
                : `${row.serviceName} for ${ownerName}, ${when} (booking ${row.number}).`,
          },
          { dedupeKey: `reminder-${kind}:${row.id}` },
        ),
      ),
    );
  }

  return { requested, answered, started, cancelled, reminder };
}
export type BookingMails = ReturnType<typeof createBookingMails>;
