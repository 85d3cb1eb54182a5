import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { BIZ, PET, PET2, SERVICE, WORKER, WORKER2, aBooking, aBusiness, aPet, aPlace, aService, slotAvailability } from '../test/bookingFixtures';
import { missingVaccinations, slotsByDate, useBookingFlowStore } from './bookingFlow';

const WORK_PLACE = '99999999-9999-4999-8999-999999999992';

const AVAILABILITY = `GET /v1/services/${SERVICE}/availability?from=2025-06-01&to=2025-06-28&pets=1`;

function routes(overrides: Record<string, unknown> = {}) {
  return {
    [`GET /v1/services/${SERVICE}`]: ok(aService()),
    [`GET /v1/businesses/${BIZ}`]: ok(aBusiness()),
    'GET /v1/pets?status=active': ok([aPet(), aPet({ id: PET2, name: 'Mimi', species: 'cat' })]),
    [AVAILABILITY]: ok(slotAvailability()),
    ...overrides,
  } as Parameters<typeof mockFetch>[0];
}

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-01T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('slots by local date', () => {
  it('groups slots by the business-local date and merges workers offering the same start', () => {
    const days = slotsByDate(slotAvailability());
    expect([...days.keys()]).toEqual(['2025-06-02', '2025-06-03']);
    expect(days.get('2025-06-02')).toEqual([
      { startsAt: '2025-06-02T07:00:00.000Z', endsAt: '2025-06-02T08:00:00.000Z', workerIds: [WORKER, WORKER2] },
      { startsAt: '2025-06-02T07:15:00.000Z', endsAt: '2025-06-02T08:15:00.000Z', workerIds: [WORKER] },
    ]);
    // 22:30 UTC is 00:30 the next day in Berlin.
    expect(days.get('2025-06-03')?.map((s) => s.startsAt)).toEqual(['2025-06-02T22:30:00.000Z', '2025-06-03T12:00:00.000Z']);
    expect([...slotsByDate(slotAvailability(), WORKER2).values()].flat().map((s) => s.startsAt)).toEqual([
      '2025-06-02T07:00:00.000Z',
      '2025-06-02T22:30:00.000Z',
    ]);
  });

  it('names the required vaccinations a pet lacks or that expire before the booking', () => {
    const pet = aPet({
      vaccinations: [
        { name: 'Rabies', expiresOn: '2025-12-31' },
        { name: 'Distemper', expiresOn: '2025-06-01' },
      ],
    }) as never;
    expect(missingVaccinations(pet, ['rabies', 'Distemper', 'Parvo'], '2025-06-02')).toEqual(['Distemper', 'Parvo']);
    expect(missingVaccinations(pet, ['Rabies'], '2025-06-02')).toEqual([]);
  });
});

describe('booking flow store', () => {
  it('loads the service, the pets it takes and four weeks of availability from today in the business time zone', async () => {
    const net = mockFetch(routes());
    const flow = useBookingFlowStore();

    await flow.load(SERVICE);

    expect(flow.petChoices.map((c) => c.pet.name)).toEqual(['Bello']);
    expect(flow.petIds).toEqual([PET]);
    expect(net.callsTo(AVAILABILITY)).toHaveLength(1);
    expect(flow.date).toBe('2025-06-02');
    expect(flow.slotsOfDay.map((s) => s.startsAt)).toEqual(['2025-06-02T07:00:00.000Z', '2025-06-02T07:15:00.000Z']);
    expect(flow.locationKinds).toEqual(['owner_home', 'custom']);
    expect(flow.estimate?.totalMinor).toBe(1800);
  });

  it('asks for fewer days at once when the team is too large for four weeks, and moves by that window', async () => {
    const tooMany = fail(400, 'VALIDATION_ERROR', 'This service has 300 workers: ask for at most 10 days at once, or name a workerId.', [
      { path: 'querystring.to', message: 'This service has 300 workers: ask for at most 10 days at once, or name a workerId.' },
    ]);
    const week = `GET /v1/services/${SERVICE}/availability?from=2025-06-01&to=2025-06-07&pets=1`;
    const net = mockFetch(
      routes({
        [AVAILABILITY]: tooMany,
        [`GET /v1/services/${SERVICE}/availability?from=2025-06-01&to=2025-06-14&pets=1`]: tooMany,
        [week]: ok(slotAvailability()),
        [`GET /v1/services/${SERVICE}/availability?from=2025-06-08&to=2025-06-14&pets=1`]: ok(slotAvailability()),
      }),
    );
    const flow = useBookingFlowStore();

    await flow.load(SERVICE);

    expect(flow.windowDays).toBe(7);
    expect(net.callsTo(week)).toHaveLength(1);
    expect(flow.slotsOfDay.map((s) => s.startsAt)).toEqual(['2025-06-02T07:00:00.000Z', '2025-06-02T07:15:00.000Z']);
    await flow.loadAvailability('2025-06-08');
    expect(flow.windowFrom).toBe('2025-06-08');
  });

  it('passes any other refusal on', async () => {
    mockFetch(
      routes({ [AVAILABILITY]: fail(400, 'VALIDATION_ERROR', 'This service takes at most 1 pet.', [{ path: 'querystring.pets', message: 'At most 1.' }]) }),
    );
    await expect(useBookingFlowStore().load(SERVICE)).rejects.toThrow('This service takes at most 1 pet.');
  });

  it('prices extra pets with the shared pricing rule', async () => {
    mockFetch(routes({ 'GET /v1/pets?status=active': ok([aPet(), aPet({ id: PET2, name: 'Rex' })]) }));
    const flow = useBookingFlowStore();
    await flow.load(SERVICE);

    flow.petIds = [PET, PET2];

    expect(flow.estimate?.lines.map((l) => [l.code, l.amountMinor])).toEqual([
      ['base', 1800],
      ['additional_pets', 700],
    ]);
    expect(flow.estimate?.totalMinor).toBe(2500);
  });

  it('says what is missing before a request can be sent', async () => {
    mockFetch(routes());
    const flow = useBookingFlowStore();
    await flow.load(SERVICE);
    flow.petIds = [];

    expect(flow.problems()).toEqual({
      petIds: 'Choose at least one pet.',
      startsAt: 'Choose a time.',
      location: 'Click the map where the service should take place.',
    });
  });

  it('starts from a "book again" prefill: the pets, worker and saved place still offered, and no slot', async () => {
    mockFetch(
      routes({
        [`GET /v1/services/${SERVICE}`]: ok(aService({ petTypes: ['dog', 'cat'] })),
        'GET /v1/users/me/places': ok([aPlace(), aPlace({ id: WORK_PLACE, kind: 'work', label: 'Office', location: { lat: 52.5, lng: 13.3 } })]),
      }),
    );
    const flow = useBookingFlowStore();
    const gone = '12345678-1234-4234-8234-123456789012';
    await flow.load(SERVICE, { prefill: { petIds: [PET2, gone], workerId: WORKER2, place: WORK_PLACE } });
    expect(flow.petIds).toEqual([PET2]);
    expect(flow.workerId).toBe(WORKER2);
    expect(flow.location).toMatchObject({ kind: 'custom', placeId: WORK_PLACE, point: { lat: 52.5, lng: 13.3 }, street: 'Elm Road 12' });
    expect(flow.startsAt).toBe('');

    // A worker who no longer offers the service, or a place that is gone, leaves the usual defaults.
    await flow.load(SERVICE, { prefill: { petIds: [], workerId: gone, place: gone } });
    expect(flow.workerId).toBe('');
    expect(flow.location.placeId).toBe(aPlace().id);
  });

  it('sends the chosen slot, worker and place with an Idempotency-Key that a retry re-uses', async () => {
    let attempts = 0;
    const net = mockFetch(
      routes({
        'POST /v1/bookings': () => (++attempts === 1 ? fail(503, 'UNAVAILABLE', 'Try again.') : ok(aBooking(), 201)),
      }),
    );
    const flow = useBookingFlowStore();
    await flow.load(SERVICE);
    flow.chooseWorker(WORKER2);
    flow.startsAt = '2025-06-02T07:00:00.000Z';
    flow.location.point = { lat: 52.5201, lng: 13.4049 };
    flow.location.street = 'Invalidenstraße 1';
    flow.notes = '  Ring twice  ';
    expect(flow.problems()).toEqual({});

    await expect(flow.submit()).rejects.toThrow('Try again.');
    const outcome = await flow.submit();

    expect(outcome).toMatchObject({ kind: 'booking', booking: { number: 'WD-7K3M-9Q2P' } });
    const [first, second] = net.callsTo('POST /v1/bookings');
    expect(first?.body).toEqual({
      serviceId: SERVICE,
      petIds: [PET],
      startsAt: '2025-06-02T07:00:00.000Z',
      workerId: WORKER2,
      location: { kind: 'owner_home', lat: 52.5201, lng: 13.4049, address: { street: 'Invalidenstraße 1', postalCode: null, city: null, country: null } },
      notes: 'Ring twice',
    });
    expect(first?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);

    // A different request is a new one.
    flow.startsAt = '2025-06-02T07:00:00.000Z';
    flow.chooseWorker('');
    await flow.submit();
    const third = net.callsTo('POST /v1/bookings')[2];
    expect(third?.body).not.toHaveProperty('workerId');
    expect(third?.headers['idempotency-key']).not.toBe(first?.headers['idempotency-key']);
  });

  it('books a weekly series from the chosen date', async () => {
    const series = { id: 'series-1', rule: { byDay: [1, 3], interval: 2, count: 4 }, rrule: '', localStartTime: '09:00', timeZone: 'Europe/Berlin' };
    const net = mockFetch(
      routes({
        'POST /v1/booking-series': ok({ series: { ...series, firstDate: '2025-06-02', status: 'active' }, bookings: [aBooking()], conflicts: [] }, 201),
      }),
    );
    const flow = useBookingFlowStore();
    await flow.load(SERVICE);
    flow.startsAt = '2025-06-02T07:00:00.000Z';
    flow.location.point = { lat: 52.52, lng: 13.4 };

    flow.setRepeat(true);
    expect(flow.repeat.byDay).toEqual([1]); // the weekday of the chosen date
    flow.repeat.byDay = [3, 1];
    flow.repeat.interval = 2;
    expect(flow.occurrences).toEqual(['2025-06-02', '2025-06-04', '2025-06-16', '2025-06-18']);
    const outcome = await flow.submit();

    expect(outcome.kind).toBe('series');
    expect(net.callsTo('POST /v1/booking-series')[0]?.body).toMatchObject({
      serviceId: SERVICE,
      startsAt: '2025-06-02T07:00:00.000Z',
      rule: { byDay: [1, 3], interval: 2, count: 4 },
    });
  });

  it('books boarding by nights against the remaining daily capacity', async () => {
    const boarding = aService({ type: 'boarding', priceType: 'per_night', price: { amountMinor: 4000, currency: 'EUR' }, durationMinutes: null });
    const days = [
      { date: '2025-06-01', open: false, remaining: 5 },
      { date: '2025-06-02', open: true, remaining: 5 },
      { date: '2025-06-03', open: true, remaining: 0 },
      { date: '2025-06-04', open: true, remaining: 5 },
    ];
    const net = mockFetch(
      routes({
        [`GET /v1/services/${SERVICE}`]: ok(boarding),
        [AVAILABILITY]: ok({ kind: 'day', timeZone: 'Europe/Berlin', unit: 'night', capacity: 5, days }),
        'POST /v1/bookings': ok(aBooking({ kind: 'day' }), 201),
      }),
    );
    const flow = useBookingFlowStore();
    await flow.load(SERVICE);

    expect(flow.locationKinds).toEqual(['business']);
    expect([flow.startDate, flow.endDate]).toEqual(['2025-06-02', '2025-06-03']);
    expect(flow.units).toBe(1);
    expect(flow.estimate?.totalMinor).toBe(4000);
    flow.endDate = '2025-06-04';
    expect(flow.dayProblem).toBe('Only 0 places are left on 2025-06-03.');
    expect(flow.problems()).toEqual({ endDate: 'Only 0 places are left on 2025-06-03.' });

    flow.startDate = '2025-06-04';
    flow.endDate = '2025-06-06';
    await flow.submit();
    expect(net.callsTo('POST /v1/bookings')[0]?.body).toEqual({
      serviceId: SERVICE,
      petIds: [PET],
      startDate: '2025-06-04',
      endDate: '2025-06-06',
      location: { kind: 'business' },
    });
  });

  it('asks per_hour services for the chosen duration', async () => {
    const sitting = aService({ type: 'sitting', priceType: 'per_hour', price: { amountMinor: 2200, currency: 'EUR' }, durationMinutes: null });
    const net = mockFetch(routes({ [`GET /v1/services/${SERVICE}`]: ok(sitting), 'POST /v1/bookings': ok(aBooking(), 201) }));
    const flow = useBookingFlowStore();
    await flow.load(SERVICE);
    expect(flow.durationMinutes).toBe(60);

    flow.durationMinutes = 90;
    flow.startsAt = '2025-06-02T07:00:00.000Z';
    flow.location.kind = 'custom';
    flow.location.point = { lat: 52.52, lng: 13.4 };

    expect(flow.estimate?.totalMinor).toBe(3300);
    await flow.submit();
    expect(net.callsTo('POST /v1/bookings')[0]?.body).toMatchObject({ durationMinutes: 90, location: { kind: 'custom' } });
  });
});
