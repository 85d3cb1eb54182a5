import { describe, expect, it } from 'vitest';
import { bookingIcs, escapeText, foldLine, icsCalendar, icsFeed, icsUtc } from '../../src/modules/calendars/ics.js';
import { parseIcs, unescapeText, unfold } from './ics-parse.js';

const start = new Date('2030-05-06T07:30:00.000Z');
const end = new Date('2030-05-06T08:30:00.000Z');
const stamp = new Date('2030-05-01T12:00:00.000Z');

function octets(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

describe('ics', () => {
  it('formats instants as UTC DATE-TIME', () => {
    expect(icsUtc(new Date('2030-01-02T03:04:05.678Z'))).toBe('20300102T030405Z');
  });

  it('escapes backslash, semicolon, comma and every kind of newline, and drops control characters', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    expect(escapeText('tab\tok\u0007bell')).toBe('tab\tokbell');
    expect(unescapeText(escapeText('a\\n;,\\;x\ny'))).toBe('a\\n;,\\;x\ny');
  });

  it('leaves a line of exactly 75 octets alone and folds one of 76', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('folds long ASCII at 75 octets, continuations of a space and 74, and unfolds to the line', () => {
    const line = `DESCRIPTION:${'abcdefghij'.repeat(40)}`;
    const lines = foldLine(line).split('\r\n');
    expect(lines.map((l) => l.length)).toEqual([75, 75, 75, 75, 75, 42]); // 412 = 75 + 4 × 74 + 41
    expect(lines.slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(lines.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(line);
    // A tab is not printable ASCII: the octet-counting path folds it the same way.
    expect(
      foldLine(`X:\t${'a'.repeat(80)}`)
        .split('\r\n')
        .map((l) => l.length),
    ).toEqual([75, 9]);
  });

  it('folds long non-ASCII text at 75 octets without splitting a UTF-8 character', () => {
    // 2-, 3- and 4-byte characters (ü, €, 🐕 as a surrogate pair) in a row, so cuts fall mid-character.
    const value = 'Spaziergang mit Rüde 🐕 für 20 € — ' + 'äöü€🐾'.repeat(40);
    const folded = foldLine(`DESCRIPTION:${value}`);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const [i, line] of lines.entries()) {
      expect(octets(line)).toBeLessThanOrEqual(75);
      if (i > 0) expect(line.startsWith(' ')).toBe(true);
      // A split character would show up as U+FFFD after a round trip through bytes, or as a lone surrogate.
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      expect(line).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
    // Lines are filled: only a character that would not fit moves to the next line.
    for (const line of lines.slice(0, -1)) expect(octets(line)).toBeGreaterThan(75 - 4);
    expect(unfold(folded)).toEqual([`DESCRIPTION:${value}`]);
  });

  it('builds a booking calendar that parses back to what went in', () => {
    const description = 'Notes: ring twice; the gate sticks, push hard.\nSecond line with a backslash \\ and Grüße 🐶.'.repeat(3);
    const ics = bookingIcs({
      uid: '3b241101-e2bb-4255-8caf-4136c566a962',
      number: 'WD-7K3M-9Q2P',
      startsAt: start,
      endsAt: end,
      summary: 'Walk · Rex, Bella',
      description,
      location: 'Hauptstraße 1, 10115 Berlin',
      url: 'https://walkydoggy.test/bookings/3b241101-e2bb-4255-8caf-4136c566a962?x=1;y=2',
      status: 'confirmed',
      dtstamp: stamp,
      updatedAt: stamp,
    });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);

    const cal = parseIcs(ics);
    expect(cal.props).toMatchObject({ VERSION: '2.0', PRODID: '-//WalkyDoggy//Bookings//EN', METHOD: 'PUBLISH', CALSCALE: 'GREGORIAN' });
    expect(cal.events).toHaveLength(1);
    const e = cal.events[0]!;
    expect(e.UID).toBe('3b241101-e2bb-4255-8caf-4136c566a962@walkydoggy');
    expect(e.DTSTART).toBe('20300506T073000Z');
    expect(e.DTEND).toBe('20300506T083000Z');
    expect(e.DTSTAMP).toBe('20300501T120000Z');
    expect(e['LAST-MODIFIED']).toBe('20300501T120000Z');
    expect(e.STATUS).toBe('CONFIRMED');
    expect(Number(e.SEQUENCE)).toBeGreaterThan(0);
    expect(unescapeText(e.SUMMARY!)).toBe('Walk · Rex, Bella (WD-7K3M-9Q2P)');
    expect(unescapeText(e.DESCRIPTION!)).toBe(description);
    expect(unescapeText(e.LOCATION!)).toBe('Hauptstraße 1, 10115 Berlin');
    expect(e.URL).toBe('https://walkydoggy.test/bookings/3b241101-e2bb-4255-8caf-4136c566a962?x=1;y=2');
  });

  it('keeps a summary that already names the booking number, and marks a cancelled booking transparent with a later sequence', () => {
    const base = {
      uid: 'b1',
      number: 'WD-AAAA-BBBB',
      startsAt: start,
      endsAt: end,
      summary: 'Walk · Rex (WD-AAAA-BBBB)',
      description: null,
      location: null,
      url: 'https://x.test/b1',
    };
    const confirmed = parseIcs(bookingIcs({ ...base, status: 'confirmed', updatedAt: new Date('2030-05-01T00:00:00Z') })).events[0]!;
    const cancelled = parseIcs(bookingIcs({ ...base, status: 'cancelled', updatedAt: new Date('2030-05-02T00:00:00Z') })).events[0]!;
    expect(confirmed.SUMMARY).toBe('Walk · Rex (WD-AAAA-BBBB)');
    expect(confirmed.DESCRIPTION).toBeUndefined();
    expect(confirmed.LOCATION).toBeUndefined();
    expect(cancelled.STATUS).toBe('CANCELLED');
    expect(cancelled.TRANSP).toBe('TRANSPARENT');
    expect(confirmed.TRANSP).toBe('OPAQUE');
    expect(Number(cancelled.SEQUENCE)).toBeGreaterThan(Number(confirmed.SEQUENCE));
    // Without a change time the cancellation still outranks the confirmation.
    const plain = parseIcs(bookingIcs({ ...base, status: 'confirmed' })).events[0]!;
    const plainCancelled = parseIcs(bookingIcs({ ...base, status: 'cancelled' })).events[0]!;
    expect(Number(plainCancelled.SEQUENCE)).toBeGreaterThan(Number(plain.SEQUENCE));
  });

  it('builds a named feed with one VEVENT per event and an escaped calendar name', () => {
    const ics = icsCalendar('WalkyDoggy · Pfoten, Berlin', [
      { uid: 'a', startsAt: start, endsAt: end, summary: 'A', status: 'confirmed', dtstamp: stamp },
      { uid: 'b@elsewhere', startsAt: start, endsAt: end, summary: 'B', status: 'tentative', dtstamp: stamp },
    ]);
    const cal = parseIcs(ics);
    expect(unescapeText(cal.props['X-WR-CALNAME']!)).toBe('WalkyDoggy · Pfoten, Berlin');
    expect(cal.props['X-WR-CALNAME']).toBe('WalkyDoggy · Pfoten\\, Berlin');
    expect(cal.props['REFRESH-INTERVAL;VALUE=DURATION']).toBe('PT1H');
    expect(cal.events.map((e) => [e.UID, e.STATUS])).toEqual([
      ['a@walkydoggy', 'CONFIRMED'],
      ['b@elsewhere', 'TENTATIVE'],
    ]);
    expect(parseIcs(icsCalendar('Empty', [])).events).toEqual([]);
  });

  it('renders the same feed a few events a turn', async () => {
    const events = Array.from({ length: 7 }, (_, i) => ({
      uid: `e${i}`,
      startsAt: start,
      endsAt: end,
      summary: `Walk ${i} · ${'ü'.repeat(40)}`,
      description: 'x'.repeat(200),
      status: 'confirmed' as const,
      dtstamp: stamp,
    }));
    const whole = icsCalendar('Feed', events);
    expect(await icsFeed('Feed', events, 3)).toBe(whole);
    expect(await icsFeed('Feed', events)).toBe(whole);
    expect(await icsFeed('Empty', [])).toBe(icsCalendar('Empty', []));
  });
});
