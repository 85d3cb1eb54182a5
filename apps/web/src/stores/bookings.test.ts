import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { BOOKING, WORKER2, aBooking } from '../test/bookingFixtures';
import { useBookingsStore } from './bookings';

const OTHER = '77777777-7777-4777-8777-777777777778';
const event = { fromStatus: null, toStatus: 'pending', actorRole: 'owner', reason: null, at: '2025-05-20T10:00:00.000Z' } as const;

beforeEach(() => setActivePinia(createPinia()));

describe('bookings store', () => {
  it('lists bookings by status, role and period, and pages on with the cursor', async () => {
    const net = mockFetch({
      'GET /v1/bookings?status=pending%2Cconfirmed&role=owner&order=asc&limit=50': {
        status: 200,
        body: { success: true, data: [aBooking()], meta: { limit: 50, nextCursor: 'c1' } },
      },
      'GET /v1/bookings?status=pending%2Cconfirmed&role=owner&order=asc&cursor=c1&limit=50': {
        status: 200,
        body: { success: true, data: [aBooking(), aBooking({ id: OTHER })], meta: { limit: 50, nextCursor: null } },
      },
    });
    const store = useBookingsStore();

    await store.load({ status: ['pending', 'confirmed'], role: 'owner', order: 'asc' });
    expect(store.nextCursor).toBe('c1');
    await store.loadMore();

    expect(store.items.map((b) => b.id)).toEqual([BOOKING, OTHER]);
    expect(store.nextCursor).toBeNull();
    expect(net.calls).toHaveLength(2);
  });

  it('confirms a listed booking and shows its new status in the list', async () => {
    mockFetch({
      'GET /v1/bookings?role=business&limit=50': ok([aBooking(), aBooking({ id: OTHER })]),
      [`POST /v1/bookings/${BOOKING}/confirm`]: ok(aBooking({ status: 'confirmed', actions: ['cancel'] })),
    });
    const store = useBookingsStore();
    await store.load({ role: 'business' });

    await store.confirm(BOOKING);

    expect(store.items.map((b) => b.status)).toEqual(['confirmed', 'pending']);
  });

  it('reads the open booking again after a move, so its history shows the change', async () => {
    let reads = 0;
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: () =>
        ok(
          ++reads === 1
            ? aBooking({ events: [event] })
            : aBooking({ status: 'declined', events: [event, { ...event, fromStatus: 'pending', toStatus: 'declined', actorRole: 'business' }] }),
        ),
      [`POST /v1/bookings/${BOOKING}/decline`]: ok(aBooking({ status: 'declined' })),
    });
    const store = useBookingsStore();
    await store.open(BOOKING);

    await store.decline(BOOKING, 'Fully booked');

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/decline`)[0]?.body).toEqual({ reason: 'Fully booked' });
    expect(store.current?.status).toBe('declined');
    expect(store.current?.events.map((e) => e.toStatus)).toEqual(['pending', 'declined']);
  });

  it('assigns a worker with PUT { workerId }', async () => {
    const net = mockFetch({
      'GET /v1/bookings?role=business&limit=50': ok([aBooking()]),
      [`PUT /v1/bookings/${BOOKING}`]: ok(aBooking({ worker: { id: WORKER2, name: 'Wanda Walker', photoUrl: null } })),
    });
    const store = useBookingsStore();
    await store.load({ role: 'business' });

    await store.assignWorker(BOOKING, WORKER2);

    expect(net.callsTo(`PUT /v1/bookings/${BOOKING}`)[0]?.body).toEqual({ workerId: WORKER2 });
    expect(store.items[0]?.worker?.name).toBe('Wanda Walker');
  });

  it('previews the refund, then cancels with a reason', async () => {
    const preview = {
      policy: 'strict',
      hoursBeforeStart: 200,
      refundPercent: 50,
      refundMinor: 900,
      currency: 'EUR',
      paidMinor: 1800,
      description: 'Strict policy, cancelled 200 hours before the start: 50% refund.',
    };
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ status: 'cancelled', events: [event] })),
      [`GET /v1/bookings/${BOOKING}/cancellation-preview`]: ok(preview),
      [`POST /v1/bookings/${BOOKING}/cancel`]: ok(aBooking({ status: 'cancelled' })),
    });
    const store = useBookingsStore();
    await store.open(BOOKING);

    expect((await store.previewCancel(BOOKING)).refundMinor).toBe(900);
    await store.cancel(BOOKING, 'Plans changed');

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/cancel`)[0]?.body).toEqual({ reason: 'Plans changed' });
    expect(store.current?.status).toBe('cancelled');
    expect(store.preview).toBeNull();
  });

  it("sends an admin's refund percentage with the reason, including 0 %", async () => {
    const net = mockFetch({ [`POST /v1/bookings/${BOOKING}/cancel`]: ok(aBooking({ status: 'cancelled' })) });
    const store = useBookingsStore();

    await store.cancel(BOOKING, 'Walker never came', 100);
    await store.cancel(BOOKING, 'Owner abused the service', 0);

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/cancel`).map((c) => c.body)).toEqual([
      { reason: 'Walker never came', refundPercent: 100 },
      { reason: 'Owner abused the service', refundPercent: 0 },
    ]);
  });

  it('completes a job with the worker notes and passes a refused move on as an error', async () => {
    const net = mockFetch({
      'GET /v1/bookings?role=worker&limit=50': ok([aBooking({ status: 'in_progress' }), aBooking({ id: OTHER, status: 'confirmed' })]),
      [`POST /v1/bookings/${BOOKING}/complete`]: ok(aBooking({ status: 'completed', completionNotes: 'Happy dog' })),
      [`POST /v1/bookings/${OTHER}/start`]: fail(409, 'CONFLICT', 'A pending booking cannot be started.'),
    });
    const store = useBookingsStore();
    await store.load({ role: 'worker' });

    await store.complete(BOOKING, 'Happy dog');
    await expect(store.start(OTHER)).rejects.toThrow('A pending booking cannot be started.');

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/complete`)[0]?.body).toEqual({ notes: 'Happy dog' });
    expect(store.items.map((b) => b.status)).toEqual(['completed', 'confirmed']);
  });

  it('groups occurrences by series and cancels the rest of a series', async () => {
    const S = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    const detail = {
      series: { id: S, rule: { byDay: [1], interval: 1, count: 2 }, rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=2' },
      bookings: [],
    };
    const list = 'GET /v1/bookings?role=owner&limit=50';
    const net = mockFetch({
      [list]: ok([aBooking({ seriesId: S }), aBooking({ id: OTHER, seriesId: S }), aBooking({ id: 'single' })]),
      [`GET /v1/booking-series/${S}`]: ok(detail),
      [`POST /v1/booking-series/${S}/cancel`]: ok({ cancelled: 2 }),
    });
    const store = useBookingsStore();
    await store.load({ role: 'owner' });

    expect(store.seriesGroups.map((g) => [g.seriesId, g.bookings.length])).toEqual([[S, 2]]);
    expect(await store.cancelSeries(S, 'Moving away')).toBe(2);
    expect(net.callsTo(`POST /v1/booking-series/${S}/cancel`)[0]?.body).toEqual({ reason: 'Moving away' });
    expect(net.callsTo(list)).toHaveLength(2);
    expect(store.seriesGroups[0]?.detail?.series.rrule).toContain('BYDAY=MO');
  });
});
