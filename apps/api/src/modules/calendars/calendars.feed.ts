import type { Address } from '@walkydoggy/shared/db';
import type { ServiceType } from '@walkydoggy/shared';
import type { FeedBookingRow, Subject } from './calendars.queries.js';
import type { IcsEvent, IcsStatus } from './ics.js';

/** The event title's first word: what happens, in a calendar's few characters. */
const SERVICE_WORDS: Record<ServiceType, string> = {
  walking: 'Walk',
  boarding: 'Boarding',
  daycare: 'Daycare',
  grooming: 'Grooming',
  training: 'Training',
  sitting: 'Pet sitting',
  drop_in: 'Drop-in visit',
};

const STATUS_OF: Record<FeedBookingRow['status'], IcsStatus> = {
  pending: 'tentative',
  confirmed: 'confirmed',
  in_progress: 'confirmed',
  completed: 'confirmed',
  cancelled: 'cancelled',
  declined: 'cancelled',
  expired: 'cancelled',
};

const STATUS_WORDS: Record<FeedBookingRow['status'], string> = {
  pending: 'waiting for the business to confirm',
  confirmed: 'confirmed',
  in_progress: 'in progress',
  completed: 'completed',
  cancelled: 'cancelled',
  declined: 'declined',
  expired: 'expired',
};

/**
 * Characters of the owner's notes and of the special instructions an event carries at most each: a
 * calendar shows a few lines, the booking page (linked from every event) the rest. Keeps a feed's
 * size, and the work of rendering it, in proportion to its events rather than to what was written.
 */
export const FEED_NOTE_MAX_CHARS = 300;

/** `text` cut to at most `max` UTF-16 units, the last an ellipsis, never halving a surrogate pair. */
export function clip(text: string, max = FEED_NOTE_MAX_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** "Ann B.": enough to recognise a person in a calendar, and no more in a URL that may be shared. */
function shortName(first: string | null, last: string | null): string | null {
  if (!first) return null;
  const initial = last?.trim().charAt(0);
  return initial ? `${first} ${initial}.` : first;
}

function formatAddress(a: Address | null): string | null {
  if (!a) return null;
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  const parts = [a.street, cityLine, a.country].filter((s): s is string => Boolean(s && s.trim()));
  return parts.length ? parts.join(', ') : null;
}

function locationOf(b: FeedBookingRow): string | null {
  if (b.locationKind === 'business') return formatAddress(b.businessAddress) ?? b.businessName;
  return formatAddress(b.address) ?? (b.lat !== null && b.lng !== null ? `${b.lat.toFixed(5)}, ${b.lng.toFixed(5)}` : null);
}

/**
 * One booking as a feed event. Whose feed it is decides what the description names: an owner sees
 * the business and the worker; a business or worker sees the client. Only names and what the owner
 * wrote for the booking are shown, never an e-mail address or phone number: a calendar URL ends up
 * in other apps and is easily shared.
 */
export function feedEvent(b: FeedBookingRow, subject: Subject, bookingUrl: string): IcsEvent {
  const pets = b.pets.join(', ');
  const title = `${SERVICE_WORDS[b.serviceType]}${pets ? ` · ${pets}` : ''} (${b.number})`;
  const prefix = b.status === 'pending' ? 'Pending: ' : b.status === 'cancelled' ? 'Cancelled: ' : '';
  const worker = shortName(b.workerFirstName, b.workerLastName);
  const lines = [`Booking ${b.number}: ${STATUS_WORDS[b.status]}.`, `${b.serviceName} with ${b.businessName}`];
  if (subject.kind === 'owner') {
    if (worker) lines.push(`Your carer: ${worker}`);
  } else {
    lines.push(`Client: ${shortName(b.ownerFirstName, b.ownerLastName) ?? 'unknown'}`);
    if (subject.kind === 'business') lines.push(`Worker: ${worker ?? 'not assigned yet'}`);
  }
  if (pets) lines.push(`Pets: ${pets}`);
  if (b.notes) lines.push('', `Notes: ${clip(b.notes)}`);
  if (b.specialInstructions) lines.push('', `Special instructions: ${clip(b.specialInstructions)}`);
  const clipped = (b.notes?.length ?? 0) > FEED_NOTE_MAX_CHARS || (b.specialInstructions?.length ?? 0) > FEED_NOTE_MAX_CHARS;
  lines.push('', clipped ? `All of it: ${bookingUrl}` : bookingUrl);
  return {
    uid: b.id,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    summary: `${prefix}${title}`,
    description: lines.join('\n'),
    location: locationOf(b),
    url: bookingUrl,
    status: STATUS_OF[b.status],
    updatedAt: b.updatedAt,
  };
}
