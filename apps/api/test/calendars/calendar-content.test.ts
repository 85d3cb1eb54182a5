import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { marketplace, newPet, newService, type Marketplace } from '../support/marketplace.js';
import { newWorker } from '../businesses/fixtures.js';
import { insertBooking } from './bookings-fixture.js';
import { parseIcs, unescapeText } from './ics-parse.js';

let t: TestApp;
let m: Marketplace;
const DAY = 24;

/** Every booking of the scene by a short name, with what each feed must show. */
let b: Record<string, { id: string; number: string }>;
let strangerEmail: string;
let secondWorker: Awaited<ReturnType<typeof newWorker>>;

beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
  const bella = await newPet(t, m.petOwner, { name: 'Bella' });
  const stranger = await t.newUser({ firstName: 'Sam', lastName: 'Stranger' });
  strangerEmail = stranger.email;
  const strangersPet = await newPet(t, stranger, { name: 'Fido' });
  secondWorker = await newWorker(t, m.businessId, m.owner);

  const own = { ownerId: m.petOwner.id, businessId: m.businessId, serviceId: m.serviceId, petIds: [m.petId], workerId: m.worker.workerId };
  b = {
    confirmed: await insertBooking(t, { ...own, petIds: [m.petId, bella], startsInHours: 48, notes: 'Gate code 1234; ring twice, please.\nHe pulls left.' }),
    pending: await insertBooking(t, { ...own, status: 'pending', startsInHours: 72 }),
    inProgress: await insertBooking(t, { ...own, status: 'in_progress', startsInHours: -0.5 }),
    completedRecently: await insertBooking(t, { ...own, status: 'completed', startsInHours: -10 * DAY }),
    completedLongAgo: await insertBooking(t, { ...own, status: 'completed', startsInHours: -40 * DAY }),
    cancelledRecently: await insertBooking(t, { ...own, status: 'cancelled', startsInHours: 5 * DAY, cancelledHoursAgo: 5 * DAY }),
    cancelledLongAgo: await insertBooking(t, { ...own, status: 'cancelled', startsInHours: 5 * DAY, cancelledHoursAgo: 31 * DAY }),
    declined: await insertBooking(t, { ...own, status: 'declined', startsInHours: 4 * DAY }),
    expired: await insertBooking(t, { ...own, status: 'expired', startsInHours: 3 * DAY }),
    unassigned: await insertBooking(t, { ...own, workerId: null, startsInHours: 6 * DAY, locationKind: 'business' }),
    secondWorkers: await insertBooking(t, { ...own, workerId: secondWorker.workerId, startsInHours: 7 * DAY }),
    strangers: await insertBooking(t, {
      ownerId: stranger.id,
      businessId: m.businessId,
      serviceId: m.serviceId,
      petIds: [strangersPet],
      workerId: m.worker.workerId,
      startsInHours: 8 * DAY,
      notes: `Call me on +49 170 5555555 or ${stranger.email}`,
    }),
  };
  // A booking of the same owner at another business.
  const serviceId = await newService(t, m.otherOwner, m.otherBusinessId, { name: 'Other walk' });
  b.otherBusiness = await insertBooking(t, { ...own, businessId: m.otherBusinessId, serviceId, workerId: m.otherWorker.workerId, startsInHours: 9 * DAY });
});
afterAll(() => t.close());

async function feed(token: string, kind: string) {
  const res = await t.app.inject({ method: 'GET', url: '/v1/calendars', headers: t.bearer(token) });
  const url = (res.json().data as { kind: string; url: string }[]).find((f) => f.kind === kind)!.url;
  const ics = await t.app.inject({ method: 'GET', url: new URL(url).pathname });
  expect(ics.statusCode).toBe(200);
  return { raw: ics.body, ...parseIcs(ics.body) };
}

const uidsOf = (events: Record<string, string>[]) => events.map((e) => e.UID).sort();
const uids = (...names: string[]) => names.map((n) => `${b[n]!.id}@walkydoggy`).sort();
const eventOf = (events: Record<string, string>[], name: string) => events.find((e) => e.UID === `${b[name]!.id}@walkydoggy`)!;

describe('calendar feed content', () => {
  it("an owner's feed holds the bookings they made: active and completed from 30 days back, recent cancellations", async () => {
    const { events } = await feed(m.petOwner.accessToken, 'owner');
    expect(uidsOf(events)).toEqual(
      uids('confirmed', 'pending', 'inProgress', 'completedRecently', 'cancelledRecently', 'unassigned', 'secondWorkers', 'otherBusiness'),
    );
  });

  it("a worker's feed holds the bookings assigned to them, whoever made them", async () => {
    const { events } = await feed(m.worker.accessToken, 'worker');
    expect(uidsOf(events)).toEqual(uids('confirmed', 'pending', 'inProgress', 'completedRecently', 'cancelledRecently', 'strangers'));
    const second = await feed(secondWorker.accessToken, 'worker');
    expect(uidsOf(second.events)).toEqual(uids('secondWorkers'));
  });

  it("a business's feed holds every booking of that business and none of another", async () => {
    const { events, props } = await feed(m.owner.accessToken, 'business');
    expect(uidsOf(events)).toEqual(
      uids('confirmed', 'pending', 'inProgress', 'completedRecently', 'cancelledRecently', 'unassigned', 'secondWorkers', 'strangers'),
    );
    expect(unescapeText(props['X-WR-CALNAME']!)).toBe('WalkyDoggy · Happy Paws Berlin');
  });

  it('an event carries the booking: times, title, status, notes, place and link', async () => {
    const { events } = await feed(m.petOwner.accessToken, 'owner');
    const e = eventOf(events, 'confirmed');
    const row = b.confirmed as unknown as { startsAt: Date; endsAt: Date; number: string; id: string };
    expect(e.DTSTART).toBe(
      row.startsAt
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, ''),
    );
    expect(e.DTEND).toBe(
      row.endsAt
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, ''),
    );
    expect(e.STATUS).toBe('CONFIRMED');
    expect(unescapeText(e.SUMMARY!)).toBe(`Walk · Bella, Rex (${row.number})`);
    const description = unescapeText(e.DESCRIPTION!);
    expect(description).toContain('Gate code 1234; ring twice, please.\nHe pulls left.');
    expect(description).toContain('Neighbourhood walk with Happy Paws Berlin');
    expect(description).toContain('Your carer: Wendy W.');
    expect(unescapeText(e.LOCATION!)).toBe('Invalidenstraße 5, 10115 Berlin, DE');
    expect(e.URL).toBe(`http://walkydoggy.test/bookings/${row.id}`);

    expect(eventOf(events, 'pending').STATUS).toBe('TENTATIVE');
    expect(unescapeText(eventOf(events, 'pending').SUMMARY!)).toMatch(/^Pending: Walk · Rex \(WD-/);
    expect(eventOf(events, 'cancelledRecently')).toMatchObject({ STATUS: 'CANCELLED', TRANSP: 'TRANSPARENT' });
    expect(unescapeText(eventOf(events, 'cancelledRecently').SUMMARY!)).toMatch(/^Cancelled: /);
    expect(eventOf(events, 'completedRecently').STATUS).toBe('CONFIRMED');
    // At the business: the business's address is the place.
    expect(unescapeText(eventOf(events, 'unassigned').LOCATION!)).toBe('Invalidenstraße 1, 10115 Berlin, DE');
  });

  it("an owner's feed names no third party's e-mail address or phone number", async () => {
    const { raw } = await feed(m.petOwner.accessToken, 'owner');
    const unfolded = raw.replace(/\r\n[ \t]/g, '');
    for (const secret of ['hello@happypaws.example', '+49 30 1234567', m.worker.email, m.owner.email, strangerEmail, '5555555'])
      expect(unfolded).not.toContain(secret);
    expect(unfolded).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });

  it("a worker's and a business's feed name the client, and the business's the worker", async () => {
    const worker = await feed(m.worker.accessToken, 'worker');
    expect(unescapeText(eventOf(worker.events, 'confirmed').DESCRIPTION!)).toContain('Client: Robin W.');
    expect(unescapeText(eventOf(worker.events, 'strangers').DESCRIPTION!)).toContain('Client: Sam S.');
    const business = await feed(m.owner.accessToken, 'business');
    expect(unescapeText(eventOf(business.events, 'confirmed').DESCRIPTION!)).toContain('Worker: Wendy W.');
    expect(unescapeText(eventOf(business.events, 'unassigned').DESCRIPTION!)).toContain('Worker: not assigned yet');
  });

  it('moves with the clock: a cancellation leaves the feed 30 days after it was made', async () => {
    const before = await feed(m.petOwner.accessToken, 'owner');
    expect(uidsOf(before.events)).toContain(uids('cancelledRecently')[0]);
    t.clock.advance(26 * DAY * 60 * 60 * 1000);
    try {
      const after = await feed(m.petOwner.accessToken, 'owner');
      expect(uidsOf(after.events)).not.toContain(uids('cancelledRecently')[0]);
      // 36 days after its start, the recently completed booking is history too.
      expect(uidsOf(after.events)).not.toContain(uids('completedRecently')[0]);
      expect(uidsOf(after.events)).toContain(uids('otherBusiness')[0]);
    } finally {
      t.clock.advance(-26 * DAY * 60 * 60 * 1000);
    }
  });
});
