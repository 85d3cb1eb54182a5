import { describe, expect, expectTypeOf, it } from 'vitest';
import * as db from '../src/db/bookings.js';
import {
  ACTIVE_BOOKING_STATUSES,
  BOOKING_ACTIONS,
  BOOKING_ACTOR_ROLES,
  BOOKING_NUMBER_PATTERN,
  BOOKING_STATUSES,
  BOOKING_TRANSITIONS,
  availabilityQuerySchema,
  availabilityResponseSchema,
  bookingKindFor,
  bookingSchema,
  cancelBookingBodySchema,
  completeBookingBodySchema,
  createBookingBodySchema,
  dayUnitFor,
  declineBookingBodySchema,
  listBookingsQuerySchema,
  locationKindsFor,
  regenerateCalendarBodySchema,
  transitionAllowed,
  transitionError,
  updateBookingBodySchema,
  type Booking,
  type BookingLocationInput,
  type PriceBreakdown,
} from '../src/bookings.js';
import type { Address } from '../src/db/catalog.js';
import { SERVICE_TYPES } from '../src/services.js';

const ID = '6f1c1b8e-2d2a-4c1e-9a0b-1d2e3f4a5b6c';
const ID2 = '7a2d2c9f-3e3b-4d2f-8b1c-2e3f4a5b6c7d';

/** Paths and messages of a refusal, as the API's 400 details show them. */
function refusal(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown) {
  const r = schema.safeParse(value);
  expect(r.success, 'expected a refusal').toBe(false);
  return r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
const paths = (issues: { path: string }[]) => issues.map((i) => i.path);

describe('status lists', () => {
  it('match the database table', () => {
    expect(BOOKING_STATUSES).toEqual(db.BOOKING_STATUSES);
    expect(ACTIVE_BOOKING_STATUSES).toEqual(db.ACTIVE_BOOKING_STATUSES);
  });
  it('types match the table columns', () => {
    expectTypeOf<PriceBreakdown>().toEqualTypeOf<db.PriceBreakdown>();
    expectTypeOf<NonNullable<Extract<BookingLocationInput, { kind: 'custom' }>['address']>>().toExtend<Address>();
  });
});

describe('transitions', () => {
  // The contract's table, written out independently of BOOKING_TRANSITIONS.
  const allowed = new Set([
    'confirm pending business',
    'confirm pending worker',
    'decline pending business',
    'decline pending worker',
    'expire pending system',
    'start confirmed worker',
    'start confirmed business',
    'complete in_progress worker',
    'complete in_progress business',
    'cancel pending owner',
    'cancel pending business',
    'cancel pending admin',
    'cancel confirmed owner',
    'cancel confirmed business',
    'cancel confirmed admin',
  ]);

  it(`allow exactly the contract's ${allowed.size} moves of ${BOOKING_ACTIONS.length * BOOKING_STATUSES.length * BOOKING_ACTOR_ROLES.length}`, () => {
    for (const action of BOOKING_ACTIONS)
      for (const status of BOOKING_STATUSES)
        for (const role of BOOKING_ACTOR_ROLES)
          expect(transitionAllowed(action, status, role), `${action} ${status} ${role}`).toBe(allowed.has(`${action} ${status} ${role}`));
  });

  it('lead to the contract states', () => {
    expect(Object.fromEntries(BOOKING_ACTIONS.map((a) => [a, BOOKING_TRANSITIONS[a].to]))).toEqual({
      confirm: 'confirmed',
      decline: 'declined',
      start: 'in_progress',
      complete: 'completed',
      cancel: 'cancelled',
      expire: 'expired',
    });
  });

  it('nothing leaves a final state', () => {
    for (const status of ['declined', 'expired', 'completed', 'cancelled'] as const)
      for (const action of BOOKING_ACTIONS) for (const role of BOOKING_ACTOR_ROLES) expect(transitionAllowed(action, status, role)).toBe(false);
  });

  it.each([
    ['decline', 'confirmed', 'A confirmed booking cannot be declined.'],
    ['start', 'in_progress', 'An in-progress booking cannot be started.'],
    ['cancel', 'expired', 'An expired booking cannot be cancelled.'],
    ['complete', 'pending', 'A pending booking cannot be completed.'],
    ['confirm', 'cancelled', 'A cancelled booking cannot be confirmed.'],
  ] as const)('%s from %s says "%s"', (action, from, message) => {
    expect(transitionError(action, from)).toBe(message);
  });
});

describe('service types', () => {
  it.each([
    ['walking', 'slot', ['owner_home', 'custom'], null],
    ['sitting', 'slot', ['owner_home', 'custom'], null],
    ['drop_in', 'slot', ['owner_home', 'custom'], null],
    ['grooming', 'slot', ['owner_home', 'business', 'custom'], null],
    ['training', 'slot', ['owner_home', 'business', 'custom'], null],
    ['boarding', 'day', ['business'], 'night'],
    ['daycare', 'day', ['business'], 'day'],
  ] as const)('%s: %s booking at %j, counted in %s', (type, kind, locations, unit) => {
    expect(bookingKindFor(type)).toBe(kind);
    expect(locationKindsFor(type)).toEqual(locations);
    expect(dayUnitFor(type)).toBe(unit);
  });

  it('cover every service type', () => {
    expect(SERVICE_TYPES.every((t) => ['slot', 'day'].includes(bookingKindFor(t)))).toBe(true);
    expect(SERVICE_TYPES).toHaveLength(7);
  });
});

describe('createBookingBodySchema', () => {
  const slot = { serviceId: ID, petIds: [ID], startsAt: '2025-07-01T09:00:00Z', location: { kind: 'owner_home', lat: 52.5, lng: 13.4 } };
  const day = { serviceId: ID, petIds: [ID, ID2], startDate: '2025-07-01', endDate: '2025-07-04', location: { kind: 'business' } };

  it('takes a slot booking and a day booking', () => {
    expect(createBookingBodySchema.parse({ ...slot, durationMinutes: 90, notes: '  ' })).toMatchObject({ durationMinutes: 90, notes: null });
    expect(createBookingBodySchema.parse(day).startDate).toBe('2025-07-01');
    expect(createBookingBodySchema.parse({ ...day, endDate: '2025-07-01' }).endDate).toBe('2025-07-01');
    expect(createBookingBodySchema.parse({ ...day, endDate: '2025-07-31' }).endDate).toBe('2025-07-31');
  });

  it('refuses both or neither of startsAt and the dates', () => {
    expect(paths(refusal(createBookingBodySchema, { ...slot, startDate: '2025-07-01', endDate: '2025-07-02' }))).toEqual(['startDate']);
    const { startsAt: _, ...none } = slot;
    expect(refusal(createBookingBodySchema, none)).toEqual([{ path: 'startsAt', message: expect.stringContaining('Give startsAt') }]);
  });

  it('needs both dates, in order, at most 30 days apart', () => {
    expect(paths(refusal(createBookingBodySchema, { ...day, endDate: undefined }))).toEqual(['endDate']);
    expect(paths(refusal(createBookingBodySchema, { ...day, startDate: undefined }))).toEqual(['startDate']);
    expect(refusal(createBookingBodySchema, { ...day, endDate: '2025-06-30' })).toEqual([{ path: 'endDate', message: expect.stringContaining('before') }]);
    expect(refusal(createBookingBodySchema, { ...day, endDate: '2025-08-01' })).toEqual([{ path: 'endDate', message: expect.stringContaining('30 nights') }]);
    expect(paths(refusal(createBookingBodySchema, { ...day, startDate: '2025-02-30' }))).toEqual(['startDate']);
    expect(paths(refusal(createBookingBodySchema, { ...day, durationMinutes: 60 }))).toEqual(['durationMinutes']);
  });

  it.each([10, 20, 735, 60.5])('refuses a duration of %d minutes', (minutes) => {
    expect(paths(refusal(createBookingBodySchema, { ...slot, durationMinutes: minutes }))).toContain('durationMinutes');
  });
  it.each([15, 45, 720])('takes a duration of %d minutes', (minutes) => {
    expect(createBookingBodySchema.parse({ ...slot, durationMinutes: minutes }).durationMinutes).toBe(minutes);
  });

  it('refuses a bad instant, repeated or missing pets, and a location without its point', () => {
    expect(paths(refusal(createBookingBodySchema, { ...slot, startsAt: '2025-07-01 09:00' }))).toEqual(['startsAt']);
    expect(paths(refusal(createBookingBodySchema, { ...slot, petIds: [ID, ID] }))).toEqual(['petIds']);
    expect(paths(refusal(createBookingBodySchema, { ...slot, petIds: [] }))).toEqual(['petIds']);
    expect(paths(refusal(createBookingBodySchema, { ...slot, petIds: ['x'] }))).toEqual(['petIds.0']);
    expect(paths(refusal(createBookingBodySchema, { ...slot, location: { kind: 'custom', lat: 95, lng: 13 } }))).toEqual(['location.lat']);
    expect(paths(refusal(createBookingBodySchema, { ...slot, location: { kind: 'moon' } }))).toEqual(['location.kind']);
    expect(paths(refusal(createBookingBodySchema, { ...slot, notes: 'x'.repeat(2001) }))).toEqual(['notes']);
  });
});

describe('updateBookingBodySchema', () => {
  it('needs a field, takes one alone, refuses mixed forms', () => {
    expect(refusal(updateBookingBodySchema, {})).toEqual([{ path: '', message: 'Send at least one field to change.' }]);
    expect(updateBookingBodySchema.parse({ workerId: ID })).toEqual({ workerId: ID });
    expect(updateBookingBodySchema.parse({ endDate: '2025-07-09' })).toEqual({ endDate: '2025-07-09' });
    expect(paths(refusal(updateBookingBodySchema, { startsAt: '2025-07-01T09:00:00Z', endDate: '2025-07-09' }))).toEqual(['endDate']);
  });
});

describe('transition bodies', () => {
  it('cancel needs a reason and takes a whole percentage', () => {
    expect(cancelBookingBodySchema.parse({ reason: ' Ill ', refundPercent: 40 })).toEqual({ reason: 'Ill', refundPercent: 40 });
    expect(paths(refusal(cancelBookingBodySchema, { reason: '  ' }))).toEqual(['reason']);
    expect(paths(refusal(cancelBookingBodySchema, { reason: 'x'.repeat(501) }))).toEqual(['reason']);
    expect(paths(refusal(cancelBookingBodySchema, { reason: 'x', refundPercent: 101 }))).toEqual(['refundPercent']);
    expect(paths(refusal(cancelBookingBodySchema, { reason: 'x', refundPercent: 12.5 }))).toEqual(['refundPercent']);
  });
  it('decline takes an optional reason', () => {
    expect(declineBookingBodySchema.parse({})).toEqual({});
    expect(declineBookingBodySchema.parse({ reason: 'Full' })).toEqual({ reason: 'Full' });
  });
  it('complete takes at most 10 distinct photos', () => {
    const ids = Array.from({ length: 11 }, (_, i) => `6f1c1b8e-2d2a-4c1e-9a0b-1d2e3f4a5b${String(i).padStart(2, '0')}`);
    expect(completeBookingBodySchema.parse({ photoIds: ids.slice(0, 10) }).photoIds).toHaveLength(10);
    expect(paths(refusal(completeBookingBodySchema, { photoIds: ids }))).toEqual(['photoIds']);
    expect(paths(refusal(completeBookingBodySchema, { photoIds: [ID, ID] }))).toEqual(['photoIds']);
  });
});

describe('listBookingsQuerySchema', () => {
  it('reads a comma list or a repeated parameter', () => {
    expect(listBookingsQuerySchema.parse({ status: 'pending, confirmed' })).toEqual({ status: ['pending', 'confirmed'], limit: 20, order: 'asc' });
    expect(listBookingsQuerySchema.parse({ status: ['pending', 'completed,cancelled'] }).status).toEqual(['pending', 'completed', 'cancelled']);
  });
  it('refuses an unknown status, a bad limit and an inverted range', () => {
    expect(paths(refusal(listBookingsQuerySchema, { status: 'pending,lost' }))).toEqual(['status.1']);
    expect(paths(refusal(listBookingsQuerySchema, { status: ',' }))).toEqual(['status']);
    expect(paths(refusal(listBookingsQuerySchema, { limit: '0' }))).toEqual(['limit']);
    expect(paths(refusal(listBookingsQuerySchema, { limit: '101' }))).toEqual(['limit']);
    expect(paths(refusal(listBookingsQuerySchema, { from: '2025-07-02', to: '2025-07-01' }))).toEqual(['to']);
    expect(paths(refusal(listBookingsQuerySchema, { from: '2025-07-02T10:00:00+02:00', to: '2025-07-02T07:00:00Z' }))).toEqual(['to']);
    expect(paths(refusal(listBookingsQuerySchema, { role: 'admin' }))).toEqual(['role']);
  });
  it('takes dates or instants, filters and order', () => {
    const q = { from: '2025-07-01', to: '2025-07-02T10:00:00Z', order: 'desc', businessId: ID, ownerId: ID2, role: 'business', limit: '50' };
    expect(listBookingsQuerySchema.parse(q)).toEqual({ ...q, limit: 50 });
  });
  it('finds one booking number however it is typed, and refuses what cannot be one', () => {
    expect(listBookingsQuerySchema.parse({ number: ' wd-7k3m-9q2p ' }).number).toBe('WD-7K3M-9Q2P');
    expect(refusal(listBookingsQuerySchema, { number: 'WD-7K3M' })).toEqual([{ path: 'number', message: 'A booking number looks like WD-7K3M-9Q2P.' }]);
    // I, L, O and U are not in the alphabet the numbers are drawn from.
    for (const number of ['WD-7K3M-9Q2O', 'WD-IL00-0000', 'XX-7K3M-9Q2P', 'WD-7K3M-9Q2PX', "WD-7K3M-9Q2P' or 1=1"])
      expect(paths(refusal(listBookingsQuerySchema, { number }))).toEqual(['number']);
  });
});

describe('BOOKING_NUMBER_PATTERN', () => {
  it("is WD- and two groups of four of Crockford's base32", () => {
    expect(BOOKING_NUMBER_PATTERN.test('WD-0123-4567')).toBe(true);
    expect(BOOKING_NUMBER_PATTERN.test('WD-89AB-CDEF')).toBe(true);
    expect(BOOKING_NUMBER_PATTERN.test('WD-GHJK-MNPQ')).toBe(true);
    expect(BOOKING_NUMBER_PATTERN.test('WD-RSTV-WXYZ')).toBe(true);
    for (const letter of ['I', 'L', 'O', 'U']) expect(BOOKING_NUMBER_PATTERN.test(`WD-${letter}000-0000`)).toBe(false);
    expect(BOOKING_NUMBER_PATTERN.test('wd-7k3m-9q2p')).toBe(false);
  });
});

describe('availabilityQuerySchema', () => {
  it('coerces pets with a default of 1', () => {
    expect(availabilityQuerySchema.parse({ from: '2025-07-01', to: '2025-07-01' }).pets).toBe(1);
    expect(availabilityQuerySchema.parse({ from: '2025-07-01', to: '2025-07-31', pets: '3' }).pets).toBe(3);
  });
  it('may name the booking being changed, by its id', () => {
    expect(availabilityQuerySchema.parse({ from: '2025-07-01', to: '2025-07-01', excludeBookingId: ID })).toEqual({
      from: '2025-07-01',
      to: '2025-07-01',
      pets: 1,
      excludeBookingId: ID,
    });
    expect(paths(refusal(availabilityQuerySchema, { from: '2025-07-01', to: '2025-07-01', excludeBookingId: 'WD-7K3M-9Q2P' }))).toEqual(['excludeBookingId']);
  });
  it('may name one worker, by id', () => {
    expect(availabilityQuerySchema.parse({ from: '2025-07-01', to: '2025-07-01', workerId: ID }).workerId).toBe(ID);
    expect(paths(refusal(availabilityQuerySchema, { from: '2025-07-01', to: '2025-07-01', workerId: 'someone' }))).toEqual(['workerId']);
  });
  it('refuses 32 days, an inverted range and 21 pets', () => {
    expect(paths(refusal(availabilityQuerySchema, { from: '2025-07-01', to: '2025-08-01' }))).toEqual(['to']);
    expect(paths(refusal(availabilityQuerySchema, { from: '2025-07-02', to: '2025-07-01' }))).toEqual(['to']);
    expect(paths(refusal(availabilityQuerySchema, { from: '2025-07-01', to: '2025-07-01', pets: '21' }))).toEqual(['pets']);
    expect(paths(refusal(availabilityQuerySchema, { from: '2025-07-01', to: '2025-07-01', pets: '0' }))).toEqual(['pets']);
  });
  it('responses are either slots or days', () => {
    const slots = {
      kind: 'slot',
      timeZone: 'Europe/Berlin',
      durationMinutes: 60,
      stepMinutes: 15,
      workers: [{ workerId: ID, name: 'A', photoUrl: null }],
      slots: [{ startsAt: '2025-07-01T07:00:00.000Z', endsAt: '2025-07-01T08:00:00.000Z', workers: [0] }],
    };
    const days = { kind: 'day', timeZone: 'Europe/Berlin', unit: 'night', capacity: 5, days: [{ date: '2025-07-01', open: true, remaining: 4 }] };
    expect(availabilityResponseSchema.parse(slots)).toEqual(slots);
    expect(availabilityResponseSchema.parse(days)).toEqual(days);
    expect(availabilityResponseSchema.safeParse({ ...days, kind: 'slot' }).success).toBe(false);
  });
});

describe('bookingSchema', () => {
  const booking: Booking = {
    id: ID,
    number: 'WD-7K3M-9Q2P',
    status: 'pending',
    kind: 'slot',
    service: { id: ID, name: 'Walk', type: 'walking', priceType: 'per_hour' },
    business: { id: ID, name: 'Paws', timeZone: 'Europe/Berlin', address: null },
    worker: null,
    owner: { id: ID, name: 'Ann', avatarUrl: null },
    pets: [{ id: ID, name: 'Rex', species: 'dog', photoUrl: null }],
    startsAt: '2025-07-01T09:00:00.000Z',
    endsAt: '2025-07-01T10:00:00.000Z',
    startDate: null,
    endDate: null,
    durationMinutes: 60,
    petCount: 1,
    location: { kind: 'owner_home', lat: 52.5, lng: 13.4, address: { city: 'Berlin' } },
    notes: null,
    specialInstructions: null,
    price: {
      currency: 'EUR',
      lines: [{ code: 'base', label: '1 hour', quantity: 1, unitMinor: 1500, amountMinor: 1500 }],
      subtotalMinor: 1500,
      discountMinor: 0,
      totalMinor: 1500,
    },
    cancellationPolicy: 'moderate',
    payment: { id: ID, status: 'authorized', amountMinor: 1500, refundedMinor: 0, currency: 'EUR' },
    seriesId: null,
    expiresAt: '2025-06-30T09:00:00.000Z',
    confirmedAt: null,
    declinedAt: null,
    declineReason: null,
    startedAt: null,
    completedAt: null,
    completionNotes: null,
    completionPhotos: [],
    cancelledAt: null,
    cancelledBy: null,
    cancellationReason: null,
    events: [{ fromStatus: null, toStatus: 'pending', actorRole: 'owner', reason: null, at: '2025-06-29T09:00:00.000Z' }],
    createdAt: '2025-06-29T09:00:00.000Z',
    updatedAt: '2025-06-29T09:00:00.000Z',
    actions: ['cancel', 'edit'],
  };

  it('serialises every field of the contract', () => {
    expect(bookingSchema.parse(booking)).toEqual(booking);
  });
  it('refuses a missing field and an unknown action', () => {
    const { payment: _, ...withoutPayment } = booking;
    expect(paths(refusal(bookingSchema, withoutPayment))).toEqual(['payment']);
    expect(paths(refusal(bookingSchema, { ...booking, actions: ['fly'] }))).toEqual(['actions.0']);
  });
});

describe('calendars', () => {
  it('regenerate names a kind and a subject', () => {
    expect(regenerateCalendarBodySchema.parse({ kind: 'worker', subjectId: ID })).toEqual({ kind: 'worker', subjectId: ID });
    expect(paths(refusal(regenerateCalendarBodySchema, { kind: 'admin', subjectId: 'x' }))).toEqual(['kind', 'subjectId']);
  });
});
