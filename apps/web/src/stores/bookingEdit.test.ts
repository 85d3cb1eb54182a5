import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Booking } from '@walkydoggy/shared';
import { mockFetch, ok } from '../test/fetchMock';
import { BIZ, BOOKING, PAYMENT, PET, PET2, SERVICE, WORKER2, aBooking, aBusiness, aPet, aService, slotAvailability } from '../test/bookingFixtures';
import { useBookingEditStore } from './bookingEdit';
import { useBookingFlowStore } from './bookingFlow';

/** Availability is asked for without the booking's own hold. */
const AVAILABILITY = `GET /v1/services/${SERVICE}/availability?from=2025-06-01&to=2025-06-28&pets=1&excludeBookingId=${BOOKING}`;
const GET = `GET /v1/bookings/${BOOKING}`;
const PUT = `PUT /v1/bookings/${BOOKING}`;
const pending = aBooking({
  actions: ['cancel', 'edit'],
  notes: 'Ring twice.',
  payment: { id: PAYMENT, status: 'authorized', amountMinor: 1800, refundedMinor: 0, currency: 'EUR' },
});

/** The booking as the API keeps it: a PUT answers `changed` and later reads see it too. */
function routes(booking: Booking, extra: Parameters<typeof mockFetch>[0] = {}, changed?: Booking) {
  let current = booking;
  return {
    [GET]: () => ok(current),
    [PUT]: () => {
      current = changed ?? booking;
      return ok(current);
    },
    [`GET /v1/services/${SERVICE}`]: ok(aService()),
    [`GET /v1/businesses/${BIZ}`]: ok(aBusiness()),
    'GET /v1/pets?status=active': ok([aPet(), aPet({ id: PET2, name: 'Rex' })]),
    [AVAILABILITY]: ok(slotAvailability()),
    ...extra,
  };
}

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-01T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('booking edit store', () => {
  it('fills the booking form with the booking, its own time chosen among the free ones', async () => {
    const net = mockFetch(routes(pending));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();

    expect(await edit.open(BOOKING)).toBe(true);

    expect(net.callsTo(AVAILABILITY)).toHaveLength(1);
    expect(flow.petIds).toEqual([PET]);
    expect(flow.notes).toBe('Ring twice.');
    expect(flow.date).toBe('2025-06-02'); // the booking's own day, in Berlin
    expect(flow.startsAt).toBe(pending.startsAt);
    expect(edit.movesTime).toBe(false);
    expect(edit.changes()).toEqual({});
    expect(edit.priceChanges).toBe(false);
    expect(await edit.save()).toBeNull();
    expect(net.callsTo(PUT)).toHaveLength(0);
  });

  it('goes back to the current time after another was chosen, even from another worker', async () => {
    mockFetch(routes(pending));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);

    flow.chooseWorker(WORKER2);
    flow.chooseDate('2025-06-03');
    flow.startsAt = '2025-06-02T22:30:00.000Z';
    expect(edit.movesTime).toBe(true);
    expect(edit.changes()).toEqual({ startsAt: '2025-06-02T22:30:00.000Z', workerId: WORKER2 });

    edit.keepCurrentTime();

    expect([flow.workerId, flow.date, flow.startsAt]).toEqual(['', '2025-06-02', pending.startsAt]);
    expect(edit.movesTime).toBe(false);
    expect(edit.changes()).toEqual({});
  });

  it('chooses no time when its own is no longer offered (too soon now): the booking keeps it', async () => {
    const soon = slotAvailability();
    if (soon.kind === 'slot') soon.slots = soon.slots.filter((slot) => slot.startsAt !== pending.startsAt);
    mockFetch(routes(pending, { [AVAILABILITY]: ok(soon) }));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);

    expect(flow.startsAt).toBe('');
    expect(edit.movesTime).toBe(false);
    expect(edit.changes()).toEqual({});
  });

  it('shows the weeks from the booking’s own day when it lies beyond the first four', async () => {
    const later = aBooking({ ...pending, startsAt: '2025-07-10T08:00:00.000Z', endsAt: '2025-07-10T09:00:00.000Z' });
    const july = slotAvailability();
    if (july.kind === 'slot') july.slots = [{ startsAt: later.startsAt, endsAt: later.endsAt, workers: [0] }];
    const LATER = `GET /v1/services/${SERVICE}/availability?from=2025-07-10&to=2025-08-06&pets=1&excludeBookingId=${BOOKING}`;
    const net = mockFetch(routes(later, { [LATER]: ok(july) }));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);

    expect(net.callsTo(LATER)).toHaveLength(1);
    expect(flow.windowFrom).toBe('2025-07-10');
    expect([flow.date, flow.startsAt]).toEqual(['2025-07-10', later.startsAt]);
  });

  it('sends only what changed: a new slot, the worker named, and notes emptied as ""', async () => {
    const moved = { ...pending, startsAt: '2025-06-02T07:15:00.000Z', notes: null };
    const net = mockFetch(routes(pending, {}, moved));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);

    flow.chooseWorker(WORKER2);
    flow.chooseDate('2025-06-03');
    flow.startsAt = '2025-06-02T22:30:00.000Z';
    flow.notes = '  ';
    const saved = await edit.save();

    expect(net.callsTo(PUT)[0]?.body).toEqual({ startsAt: '2025-06-02T22:30:00.000Z', workerId: WORKER2, notes: '' });
    expect(saved?.notes).toBeNull();
    expect(edit.booking?.startsAt).toBe('2025-06-02T07:15:00.000Z');
  });

  it('says when a change of pets changes the price and releases the reserved payment', async () => {
    const repriced = { ...pending, actions: ['cancel', 'edit', 'pay'] as Booking['actions'], payment: null };
    const net = mockFetch(routes(pending, {}, repriced));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);

    flow.petIds = [PET, PET2];

    expect(edit.priceChanges).toBe(true);
    expect(edit.newTotalMinor).toBe(2500);
    expect(edit.reservedPayment?.amountMinor).toBe(1800);
    expect(edit.problems()).toEqual({});
    const saved = await edit.save();
    expect(net.callsTo(PUT)[0]?.body).toEqual({ petIds: [PET, PET2] });
    expect(saved?.actions).toContain('pay');
  });

  it('checks the pets before sending', async () => {
    mockFetch(routes(pending));
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);

    flow.petIds = [];

    expect(edit.problems()).toEqual({ petIds: 'Choose at least one pet.' });
  });

  it('changes the dates of a boarding stay, sending only the date that moved', async () => {
    const boarding = aService({ type: 'boarding', priceType: 'per_night', price: { amountMinor: 4000, currency: 'EUR' }, durationMinutes: null });
    const stay = aBooking({
      kind: 'day',
      actions: ['cancel', 'edit'],
      service: { id: SERVICE, name: 'Boarding', type: 'boarding', priceType: 'per_night' },
      startDate: '2025-06-02',
      endDate: '2025-06-03',
      price: { ...pending.price, totalMinor: 4000 },
    });
    // Counted without this stay (the API leaves it out): one place is left on the 4th.
    const days = ['2025-06-02', '2025-06-03', '2025-06-04'].map((date) => ({ date, open: true, remaining: date === '2025-06-04' ? 1 : 3 }));
    const net = mockFetch(
      routes(
        stay,
        {
          [`GET /v1/services/${SERVICE}`]: ok(boarding),
          [AVAILABILITY]: ok({ kind: 'day', timeZone: 'Europe/Berlin', unit: 'night', capacity: 3, days }),
        },
        { ...stay, endDate: '2025-06-04' },
      ),
    );
    const edit = useBookingEditStore();
    const flow = useBookingFlowStore();
    await edit.open(BOOKING);
    expect([flow.startDate, flow.endDate]).toEqual(['2025-06-02', '2025-06-03']);

    flow.endDate = '2025-06-02';
    expect(edit.problems()).toEqual({ endDate: 'Check-out must be after check-in.' });
    flow.endDate = '2025-06-05';
    flow.petIds = [PET, PET2];
    expect(edit.problems()).toEqual({ endDate: 'Only 1 place is left on 2025-06-04.' });
    flow.petIds = [PET];
    flow.endDate = '2025-06-04';
    expect(edit.problems()).toEqual({});
    expect(edit.newTotalMinor).toBe(8000);
    await edit.save();

    expect(net.callsTo(PUT)[0]?.body).toEqual({ endDate: '2025-06-04' });
  });

  it('does not offer changes once the booking cannot be changed', async () => {
    const net = mockFetch(routes(aBooking({ status: 'confirmed', actions: ['cancel'] })));

    expect(await useBookingEditStore().open(BOOKING)).toBe(false);
    expect(net.callsTo(AVAILABILITY)).toHaveLength(0);
  });
});
