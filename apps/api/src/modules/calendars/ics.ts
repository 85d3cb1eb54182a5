import { setImmediate as nextTurn } from 'node:timers/promises';

/*
 * iCalendar (RFC 5545) by hand: the subset calendar apps need to show and update bookings. Written
 * here rather than pulled from a library because the rules that break imports are few and testable:
 * CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT escaping, UTC
 * instants.
 */

export const ICS_PRODID = '-//WalkyDoggy//Bookings//EN';
/** Every booking's UID ends with this domain part, so a feed and a mailed invitation name the same event. */
export const ICS_UID_DOMAIN = 'walkydoggy';

export type IcsStatus = 'confirmed' | 'tentative' | 'cancelled';

export type IcsEvent = {
  /** A booking id (the `@walkydoggy` domain part is added) or a full UID containing `@`. */
  uid: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description?: string | null;
  location?: string | null;
  url?: string | null;
  status: IcsStatus;
  /** Last change of the booking: becomes LAST-MODIFIED and, unless `sequence` is given, the SEQUENCE. */
  updatedAt?: Date | null;
  sequence?: number;
  /** When this copy was produced; defaults to now. */
  dtstamp?: Date;
};

export type BookingIcsInput = {
  uid: string;
  number: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description: string | null;
  location: string | null;
  url: string;
  status: 'confirmed' | 'cancelled';
  updatedAt?: Date | null;
  sequence?: number;
  dtstamp?: Date;
};

/** One booking as a whole calendar (METHOD:PUBLISH), for a confirmation or cancellation mail. */
export function bookingIcs(input: BookingIcsInput): string {
  // The booking number is what the owner quotes to the business, so the event title always shows it.
  // No calendar name: importing the attachment adds one event instead of offering a new calendar.
  const { number, ...event } = input;
  const summary = event.summary.includes(number) ? event.summary : `${event.summary} (${number})`;
  return calendar(['METHOD:PUBLISH'], [{ ...event, summary }]);
}

/** A subscribable feed: every booking an event, cancelled ones kept as STATUS:CANCELLED so apps remove them. */
export function icsCalendar(name: string, events: IcsEvent[]): string {
  return calendar(feedHeader(name), events);
}

/** Events rendered in one turn of the event loop by `icsFeed`. */
export const ICS_EVENTS_PER_TURN = 100;

/**
 * `icsCalendar`, rendered `perTurn` events at a time with the event loop free in between: a feed of
 * thousands of events never holds the loop for all of them.
 */
export async function icsFeed(name: string, events: IcsEvent[], perTurn = ICS_EVENTS_PER_TURN): Promise<string> {
  const now = new Date();
  const parts = [lines(['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${ICS_PRODID}`, 'CALSCALE:GREGORIAN', ...feedHeader(name)])];
  for (let i = 0; i < events.length; i += perTurn) {
    if (i > 0) await nextTurn();
    parts.push(
      events
        .slice(i, i + perTurn)
        .map((e) => lines(vevent(e, now)))
        .join(''),
    );
  }
  parts.push(lines(['END:VCALENDAR']));
  return parts.join('');
}

function feedHeader(name: string): string[] {
  return [
    'METHOD:PUBLISH',
    prop('NAME', text(name)),
    prop('X-WR-CALNAME', text(name)),
    // Ask subscribing apps to refresh hourly (RFC 7986, and the older Microsoft/Apple property).
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
}

/** Content lines, folded, each ended by CRLF. */
function lines(content: string[]): string {
  return content.map(foldLine).join('\r\n') + '\r\n';
}

function calendar(header: string[], events: IcsEvent[]): string {
  const content = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${ICS_PRODID}`, 'CALSCALE:GREGORIAN', ...header];
  const now = new Date();
  for (const e of events) content.push(...vevent(e, now));
  content.push('END:VCALENDAR');
  return lines(content);
}

function vevent(e: IcsEvent, now: Date): string[] {
  const lines = [
    'BEGIN:VEVENT',
    prop('UID', text(e.uid.includes('@') ? e.uid : `${e.uid}@${ICS_UID_DOMAIN}`)),
    `DTSTAMP:${icsUtc(e.dtstamp ?? now)}`,
    `DTSTART:${icsUtc(e.startsAt)}`,
    `DTEND:${icsUtc(e.endsAt)}`,
    `SEQUENCE:${e.sequence ?? sequenceOf(e.updatedAt ?? null, e.status)}`,
    `STATUS:${e.status.toUpperCase()}`,
    prop('SUMMARY', text(e.summary)),
  ];
  if (e.description) lines.push(prop('DESCRIPTION', text(e.description)));
  if (e.location) lines.push(prop('LOCATION', text(e.location)));
  if (e.url) lines.push(prop('URL', uri(e.url)));
  if (e.updatedAt) lines.push(`LAST-MODIFIED:${icsUtc(e.updatedAt)}`);
  // A cancelled booking no longer blocks the time in the subscriber's free/busy.
  lines.push(`TRANSP:${e.status === 'cancelled' ? 'TRANSPARENT' : 'OPAQUE'}`, 'END:VEVENT');
  return lines;
}

// Seconds since 2024-01-01 of the last change: grows with every reschedule or cancellation, so
// apps that honour SEQUENCE replace their copy, and stays within a signed 32-bit integer until 2092.
const SEQUENCE_EPOCH = Date.UTC(2024, 0, 1);
function sequenceOf(updatedAt: Date | null, status: IcsStatus): number {
  if (updatedAt) return Math.max(0, Math.floor((updatedAt.getTime() - SEQUENCE_EPOCH) / 1000));
  return status === 'cancelled' ? 1 : 0;
}

/** `YYYYMMDDTHHMMSSZ` (DATE-TIME in UTC form). */
export function icsUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** TEXT value escaping (RFC 5545 3.3.11); other control characters are not allowed in TEXT and are dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex
}

function text(value: string): string {
  return escapeText(value);
}

/** URI values are not escaped, but a line break would end the property early. */
function uri(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex
}

function prop(name: string, value: string): string {
  return `${name}:${value}`;
}

const MAX_OCTETS = 75;

/**
 * Folds a content line into lines of at most 75 octets (the continuation's leading space counts),
 * cutting only between code points so no UTF-8 sequence (nor a surrogate pair) is ever split.
 */
export function foldLine(line: string): string {
  // Printable ASCII, the usual case, is one octet a character: cut by length.
  if (PRINTABLE_ASCII.test(line)) {
    if (line.length <= MAX_OCTETS) return line;
    const out = [line.slice(0, MAX_OCTETS)];
    for (let i = MAX_OCTETS; i < line.length; i += MAX_OCTETS - 1) out.push(' ' + line.slice(i, i + MAX_OCTETS - 1));
    return out.join('\r\n');
  }
  if (line.length * 3 <= MAX_OCTETS) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
