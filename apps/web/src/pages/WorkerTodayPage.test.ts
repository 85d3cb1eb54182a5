import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, WORKER, aBooking } from '../test/bookingFixtures';
import { fakeRealtime } from '../components/tracking/fakeRealtime';
import { browserTimeZone } from '../lib/labels';
import { addDays, todayIn } from '../lib/time';
import { useSessionStore } from '../stores/session';
import { TRACK_BUFFER_KEY } from '../stores/trackBuffer';
import WorkerTodayPage from './WorkerTodayPage.vue';

vi.mock('../lib/realtime', async () => (await import('../components/tracking/fakeRealtime')).fakeRealtimeModule());

/** The browser's geolocation, driven by the test: `move` is one fix from the device. */
function fakeGeolocation() {
  let onFix: ((p: GeolocationPosition) => void) | null = null;
  const geo = {
    watchPosition: vi.fn((success: (p: GeolocationPosition) => void) => {
      onFix = success;
      return 7;
    }),
    clearWatch: vi.fn(() => (onFix = null)),
    getCurrentPosition: vi.fn(),
  };
  Object.defineProperty(navigator, 'geolocation', { value: geo, configurable: true });
  return {
    geo,
    move(lng: number, lat: number) {
      onFix?.({
        coords: { longitude: lng, latitude: lat, accuracy: 8, speed: 1.3, heading: null, altitude: null, altitudeAccuracy: null },
        timestamp: Date.now(),
      } as unknown as GeolocationPosition);
    },
  };
}

const JOB_CARD = {
  bookingId: BOOKING,
  status: 'confirmed',
  location: { kind: 'owner_home', lat: 51.4751, lng: -0.2069, address: { street: '12 Fulham Road', city: 'London', postalCode: 'SW6 1AA' } },
  notes: 'Key under the mat',
  specialInstructions: 'Avoid the park with geese',
  owner: { name: 'Olivia Owner', phone: '+447700900123' },
  pets: [
    {
      id: 'pet-1',
      name: 'Biscuit',
      species: 'dog',
      breed: 'Beagle',
      allergies: ['chicken'],
      medications: [{ name: 'Apoquel', dose: '16 mg', schedule: 'mornings', notes: '' }],
      temperament: 'Pulls towards squirrels',
      goodWithKids: true,
      goodWithPets: null,
      feedingNotes: 'Half a cup after the walk',
      careNotes: null,
      specialNeeds: null,
      vet: { name: 'Dr Vogel', clinic: 'Fulham Vets', phone: '+442071234567', address: '' },
      emergencyContact: { name: 'Sam', phone: '+447700900999', relation: 'Neighbour' },
    },
  ],
};

let wrapper: VueWrapper | undefined;
const NOW = new Date('2025-06-02T06:30:00Z');
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  localStorage.clear();
  fakeRealtime.reset();
});
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
});

const today = () => todayIn(browserTimeZone());
const LIST = () => `GET /v1/bookings?status=confirmed%2Cin_progress&from=${addDays(today(), -1)}&to=${addDays(today(), 7)}&role=worker&order=asc&limit=100`;
const me = { id: WORKER, userId: 'user-w', businessId: BIZ, firstName: 'Will', lastName: 'Worker', weeklyAvailability: [], timeOff: [] };

function api(overrides: Record<string, Parameters<typeof mockFetch>[0][string]> = {}) {
  let status: 'confirmed' | 'in_progress' | 'completed' = 'confirmed';
  const job = () =>
    aBooking({ status, startsAt: NOW.toISOString(), actions: status === 'confirmed' ? ['start'] : status === 'in_progress' ? ['complete'] : [] });
  return mockFetch({
    'GET /v1/workers/me': ok(me),
    [`GET /v1/businesses/${BIZ}`]: ok({ id: BIZ, name: 'Happy Paws' }),
    [LIST()]: () => ok([job()]),
    [`POST /v1/workers/${WORKER}/online`]: ok({ workerId: WORKER, online: true, onlineAt: NOW.toISOString() }),
    [`POST /v1/workers/${WORKER}/offline`]: ok({ workerId: WORKER, online: false }),
    [`POST /v1/bookings/${BOOKING}/on-the-way`]: ok({ onTheWayAt: NOW.toISOString() }),
    [`GET /v1/bookings/${BOOKING}/job`]: ok(JOB_CARD),
    [`POST /v1/bookings/${BOOKING}/start`]: () => {
      status = 'in_progress';
      return ok(job());
    },
    [`POST /v1/bookings/${BOOKING}/complete`]: () => {
      status = 'completed';
      return ok(job());
    },
    [`POST /v1/bookings/${BOOKING}/walk-events`]: ok({}, 201),
    [`POST /v1/bookings/${BOOKING}/tracking/points`]: ok({ accepted: 1, duplicates: 0, jumps: 0, outside: 0 }),
    ...overrides,
  });
}

async function open() {
  const mounted = await mountPage(WorkerTodayPage, '/worker/today');
  useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser({ role: 'worker' }) } as never);
  wrapper = mounted.wrapper;
  await settle();
  return mounted.wrapper;
}
const button = (w: VueWrapper, text: string) => {
  const found = w.findAll('button').find((b) =>
    b
      .text()
      .replace(/^[^\p{L}]+/u, '')
      .startsWith(text),
  );
  if (!found) throw new Error(`No button "${text}" in: ${w.text()}`);
  return found;
};
const updates = () => fakeRealtime.emitted.filter((e) => e.event === 'location:update').map((e) => e.payload as { lng: number; seq?: number });

describe('worker today', () => {
  it('goes online, says it is on the way, starts, shares at most one position a second with a seq, logs events and completes with notes', async () => {
    const gps = fakeGeolocation();
    const net = api();
    const w = await open();
    expect(w.find('[aria-label="Today\'s jobs"]').text()).toContain('WD-7K3M-9Q2P');

    await button(w, 'Go online').trigger('click');
    await settle();
    expect(net.callsTo(`POST /v1/workers/${WORKER}/online`)).toHaveLength(1);
    expect(gps.geo.watchPosition).toHaveBeenCalledTimes(1);
    expect(w.text()).toContain('You are online');

    // Before the walk: a presence update, without seq.
    gps.move(13.4, 52.52);
    await settle();
    expect(updates()).toEqual([expect.not.objectContaining({ seq: expect.anything() })]);

    await button(w, 'On my way').trigger('click');
    await settle();
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/on-the-way`)).toHaveLength(1);
    expect(w.text()).toContain('The owner knows you are on your way.');

    await button(w, 'Start').trigger('click');
    await settle();
    expect(w.text()).toContain('In progress');

    // Three fixes within 600 ms: only the first is sent; a second later the next one goes, numbered on.
    vi.setSystemTime(NOW.getTime() + 2_000);
    gps.move(13.401, 52.52);
    vi.setSystemTime(NOW.getTime() + 2_300);
    gps.move(13.4015, 52.52);
    vi.setSystemTime(NOW.getTime() + 2_600);
    gps.move(13.4018, 52.52);
    await settle();
    vi.setSystemTime(NOW.getTime() + 3_000);
    gps.move(13.402, 52.52);
    await settle();
    expect(updates().slice(1)).toEqual([
      expect.objectContaining({ lng: 13.401, lat: 52.52, seq: 0, accuracyM: 8, speedMps: 1.3 }),
      expect.objectContaining({ lng: 13.402, seq: 1 }),
    ]);
    expect(w.find('[data-testid="last-sent"]').exists()).toBe(true);

    await button(w, 'Pee').trigger('click');
    await settle();
    await button(w, 'Water').trigger('click');
    await settle();
    const events = net.callsTo(`POST /v1/bookings/${BOOKING}/walk-events`).map((c) => c.body as Record<string, unknown>);
    expect(events.map((e) => e.kind)).toEqual(['pee', 'water']);
    expect(events[0]).toMatchObject({ lng: 13.402, lat: 52.52, at: expect.any(String), clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(events[0]!.clientId).not.toBe(events[1]!.clientId);
    expect(w.find('[aria-label="Logged during WD-7K3M-9Q2P"]').text()).toContain('Pee');

    await w.find('textarea').setValue('Met another beagle.');
    await w.findAll('form')[0]!.trigger('submit');
    await settle();
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/walk-events`)[2]?.body).toMatchObject({ kind: 'note', note: 'Met another beagle.' });

    await button(w, 'Complete').trigger('click');
    await w.find('textarea').setValue('Long walk by the pond.');
    await button(w, 'Finish walk').trigger('click');
    await settle();
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/complete`)[0]?.body).toEqual({ notes: 'Long walk by the pond.' });
    expect(w.find(`a[href="/bookings/${BOOKING}/report"]`).exists()).toBe(true);

    await button(w, 'Go offline').trigger('click');
    await settle();
    expect(net.callsTo(`POST /v1/workers/${WORKER}/offline`)).toHaveLength(1);
    expect(gps.geo.clearWatch).toHaveBeenCalledWith(7);
  });

  it('keeps positions and events on the phone while the connection is down and sends them when it is back', async () => {
    const gps = fakeGeolocation();
    let reachable = true;
    const unlessDown = (reply: ReturnType<typeof ok>) => () => {
      if (!reachable) throw new TypeError('Failed to fetch');
      return reply;
    };
    const net = api({
      [`POST /v1/bookings/${BOOKING}/walk-events`]: unlessDown(ok({}, 201)),
      [`POST /v1/bookings/${BOOKING}/tracking/points`]: unlessDown(ok({ accepted: 3, duplicates: 0, jumps: 0, outside: 0 })),
    });
    const w = await open();
    await button(w, 'Start').trigger('click');
    await settle();
    expect(w.text()).toContain('You are online');

    // The socket and the network drop, then the socket is back but its emit times out: all three points wait on the phone.
    fakeRealtime.setState('disconnected');
    reachable = false;
    gps.move(13.401, 52.52);
    vi.setSystemTime(NOW.getTime() + 1_000);
    gps.move(13.402, 52.52);
    await button(w, 'Poo').trigger('click');
    await settle();
    expect(w.text()).toContain('Poo logged (sent when you are back online).');
    fakeRealtime.state = 'connected';
    fakeRealtime.answer = () => Promise.reject(new Error('operation has timed out'));
    fakeRealtime.setState('connecting');
    fakeRealtime.setState('connected');
    vi.setSystemTime(NOW.getTime() + 2_000);
    gps.move(13.403, 52.52);
    await settle();
    expect(w.find('[data-testid="pending"]').text()).toBe('4 waiting to be sent');
    const saved = JSON.parse(localStorage.getItem(TRACK_BUFFER_KEY)!);
    expect(saved.points[BOOKING].map((p: { seq: number }) => p.seq)).toEqual([0, 1, 2]);
    expect(saved.events[BOOKING][0]).toMatchObject({ kind: 'poo' });
    // The reconnect tried to send the buffer over HTTP, which failed too: nothing was lost.
    const tried = net.callsTo(`POST /v1/bookings/${BOOKING}/tracking/points`).length;
    expect(tried).toBeGreaterThan(0);

    // Back: the browser says "online"; the buffer goes out over HTTP, the event with the same clientId.
    reachable = true;
    window.dispatchEvent(new Event('online'));
    await settle();
    const batch = net.callsTo(`POST /v1/bookings/${BOOKING}/tracking/points`)[tried]?.body as { points: { seq: number; lng: number }[] };
    expect(batch.points.map((p) => [p.seq, p.lng])).toEqual([
      [0, 13.401],
      [1, 13.402],
      [2, 13.403],
    ]);
    const sentEvents = net.callsTo(`POST /v1/bookings/${BOOKING}/walk-events`);
    expect(sentEvents.at(-1)!.body).toMatchObject({ kind: 'poo', clientId: saved.events[BOOKING][0].clientId });
    expect(w.find('[data-testid="pending"]').exists()).toBe(false);
    expect(JSON.parse(localStorage.getItem(TRACK_BUFFER_KEY)!).points).toEqual({});
  });

  it("shows the job card: address with a navigation link, care notes, the owner's notes and phone", async () => {
    api();
    const w = await open();
    const card = w.find('[data-testid="job-card"]');
    expect(card.text()).toContain('12 Fulham Road, SW6 1AA London');
    expect(card.find('a[href^="https://www.google.com/maps/dir/"]').attributes('href')).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=51.4751,-0.2069',
    );
    expect(card.find('a[href="tel:+447700900123"]').exists()).toBe(true);
    for (const text of [
      'Key under the mat',
      'Avoid the park with geese',
      'chicken',
      'Apoquel · 16 mg · mornings',
      'Pulls towards squirrels',
      'Half a cup after the walk',
      'Fulham Vets',
      'Sam (Neighbour)',
    ])
      expect(card.text()).toContain(text);
  });

  it('keeps On my way and Start disabled until the start window opens, saying from when', async () => {
    const startsAt = new Date(NOW.getTime() + 3 * 3_600_000).toISOString();
    const job = aBooking({ status: 'confirmed', startsAt, actions: ['start'] });
    api({ [LIST()]: ok([job]) });
    const w = await open();
    const from = new Intl.DateTimeFormat('en-GB', { timeZone: browserTimeZone(), hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(NOW.getTime() + 3_600_000),
    );
    expect(w.find('[data-testid="set-off-from"]').text()).toBe(`You can set off from ${from}`);
    expect(button(w, 'On my way').attributes('disabled')).toBeDefined();
    expect(button(w, 'Start').attributes('disabled')).toBeDefined();

    // With a window of 4 hours, it is open now.
    wrapper?.unmount();
    api({ [LIST()]: ok([{ ...job, business: { ...job.business, startWindowMinutes: 240 } }]) });
    const open4h = await open();
    expect(open4h.find('[data-testid="set-off-from"]').exists()).toBe(false);
    expect(button(open4h, 'On my way').attributes('disabled')).toBeUndefined();
    expect(button(open4h, 'Start').attributes('disabled')).toBeUndefined();
  });
});
