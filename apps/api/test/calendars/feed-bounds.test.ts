import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { bookings } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { marketplace, type Marketplace } from '../support/marketplace.js';
import { createCalendarsService, FEED_CACHE_TTL_MS, FEED_FUTURE_DAYS, FEED_MAX_EVENTS } from '../../src/modules/calendars/calendars.service.js';
import { FEED_NOTE_MAX_CHARS } from '../../src/modules/calendars/calendars.feed.js';
import { insertBooking } from './bookings-fixture.js';
import { parseIcs, unescapeText } from './ics-parse.js';

/*
 * What bounds a feed's work: a window of time, a cap on events (the nearest to now kept), notes cut
 * short, and a rendered feed reused while its bookings are unchanged, for a minute at most.
 */

let t: TestApp;
let m: Marketplace;
let path: string;
const HOUR_MS = 60 * 60 * 1000;
const DAY = 24;

beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
  const res = await t.app.inject({ method: 'GET', url: '/v1/calendars', headers: t.bearer(m.owner.accessToken) });
  path = new URL((res.json().data as { kind: string; url: string }[]).find((f) => f.kind === 'business')!.url).pathname;
});
afterAll(() => t.close());

const own = () => ({ ownerId: m.petOwner.id, businessId: m.businessId, serviceId: m.serviceId, petIds: [m.petId], workerId: null });
async function fetchFeed() {
  const res = await t.app.inject({ method: 'GET', url: path });
  expect(res.statusCode, res.body).toBe(200);
  return { raw: res.body, ...parseIcs(res.body) };
}
const eventOf = (events: Record<string, string>[], id: string) => events.find((e) => e.UID === `${id}@walkydoggy`);

describe('calendar feed bounds', () => {
  it(`cuts notes and special instructions to ${FEED_NOTE_MAX_CHARS} characters and links the booking for the rest`, async () => {
    const long = 'Gate code 1234. '.repeat(250); // 4,000 characters
    const exact = 'x'.repeat(FEED_NOTE_MAX_CHARS);
    const clipped = await insertBooking(t, { ...own(), startsInHours: 30, notes: long, specialInstructions: `🐕${long}` });
    const whole = await insertBooking(t, { ...own(), startsInHours: 31, notes: exact });
    const { events } = await fetchFeed();
    const description = unescapeText(eventOf(events, clipped.id)!.DESCRIPTION!);
    const notes = /Notes: (.*)/.exec(description)![1]!;
    const instructions = /Special instructions: (.*)/.exec(description)![1]!;
    expect(notes).toHaveLength(FEED_NOTE_MAX_CHARS);
    expect(notes).toBe(`${long.slice(0, FEED_NOTE_MAX_CHARS - 1)}…`);
    expect(instructions.length).toBeLessThanOrEqual(FEED_NOTE_MAX_CHARS);
    expect(instructions.endsWith('…')).toBe(true);
    expect(description).toContain(`All of it: http`);
    expect(description).toContain(`/bookings/${clipped.id}`);
    // Exactly at the limit: shown whole.
    expect(unescapeText(eventOf(events, whole.id)!.DESCRIPTION!)).toContain(`Notes: ${exact}\n\nhttp`);
  });

  it('holds at most maxEvents events, the nearest to now: not yet ended first, then the latest past', async () => {
    const service = createCalendarsService({ ...t.app.platform, maxEvents: 4 });
    expect(FEED_MAX_EVENTS).toBe(2000);
    const m2 = await marketplace(t);
    const mine = { ownerId: m2.petOwner.id, businessId: m2.businessId, serviceId: m2.serviceId, petIds: [m2.petId], workerId: null };
    const farPast = await insertBooking(t, { ...mine, status: 'completed', startsInHours: -20 * DAY });
    const past = await insertBooking(t, { ...mine, status: 'completed', startsInHours: -2 * DAY });
    const running = await insertBooking(t, { ...mine, status: 'in_progress', startsInHours: -0.5 });
    const soon = await insertBooking(t, { ...mine, startsInHours: 2 * DAY });
    const later = await insertBooking(t, { ...mine, startsInHours: 20 * DAY });
    const list = await t.app.inject({ method: 'GET', url: '/v1/calendars', headers: t.bearer(m2.owner.accessToken) });
    const file = new URL((list.json().data as { kind: string; url: string }[]).find((f) => f.kind === 'business')!.url).pathname.split('/').at(-1)!;
    const starts = (ics: string) => parseIcs(ics).events.map((e) => e.UID!.split('@')[0]);
    // Four of five: the far past goes; in time order.
    expect(starts(await service.render(file))).toEqual([past.id, running.id, soon.id, later.id]);
    // One more upcoming: the latest past goes too.
    const next = await insertBooking(t, { ...mine, startsInHours: 3 * DAY });
    expect(starts(await service.render(file))).toEqual([running.id, soon.id, next.id, later.id]);
    expect(starts(await service.render(file))).not.toContain(farPast.id);
  });

  it('serves a rendered feed again while its bookings are unchanged, for a minute at most', async () => {
    const booking = await insertBooking(t, { ...own(), startsInHours: 40, notes: 'First notes' });
    const first = await fetchFeed();
    expect(unescapeText(eventOf(first.events, booking.id)!.DESCRIPTION!)).toContain('First notes');
    t.clock.advance(FEED_CACHE_TTL_MS / 2);
    // The same text: DTSTAMP (when it was produced) has not moved with the clock.
    expect((await fetchFeed()).raw).toBe(first.raw);

    // A change to a booking shows at once, even if its updated_at stayed the same.
    await t.db.update(bookings).set({ notes: 'Second notes' }).where(eq(bookings.id, booking.id));
    const changed = await fetchFeed();
    expect(unescapeText(eventOf(changed.events, booking.id)!.DESCRIPTION!)).toContain('Second notes');
    await t.db.update(bookings).set({ status: 'cancelled', cancelledAt: t.clock.now(), updatedAt: t.clock.now() }).where(eq(bookings.id, booking.id));
    expect(eventOf((await fetchFeed()).events, booking.id)!.STATUS).toBe('CANCELLED');

    // Unchanged bookings, but older than the time to live: rendered again.
    const cached = await fetchFeed();
    t.clock.advance(FEED_CACHE_TTL_MS);
    const again = await fetchFeed();
    expect(again.raw).not.toBe(cached.raw);
    expect(again.events[0]!.DTSTAMP).not.toBe(cached.events[0]!.DTSTAMP);
    t.clock.advance(-FEED_CACHE_TTL_MS - FEED_CACHE_TTL_MS / 2);
    expect(HOUR_MS).toBeGreaterThan(FEED_CACHE_TTL_MS);
  });

  it(`reaches ${FEED_FUTURE_DAYS} days ahead: a booking starting then is not in it yet`, async () => {
    const last = await insertBooking(t, { ...own(), startsInHours: FEED_FUTURE_DAYS * DAY - 1 });
    const beyond = await insertBooking(t, { ...own(), startsInHours: FEED_FUTURE_DAYS * DAY });
    const { events } = await fetchFeed();
    expect(eventOf(events, last.id)).toBeDefined();
    expect(eventOf(events, beyond.id)).toBeUndefined();
  });
});
