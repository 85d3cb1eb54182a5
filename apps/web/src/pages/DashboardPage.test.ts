import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import type { Booking } from '@walkydoggy/shared';
import { aUser, fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, PET, SERVICE, WORKER, aBooking, aPet, aPlace } from '../test/bookingFixtures';
import { fakeRealtime } from '../components/tracking/fakeRealtime';
import { useSessionStore } from '../stores/session';
import DashboardPage from './DashboardPage.vue';

vi.mock('../lib/realtime', async () => (await import('../components/tracking/fakeRealtime')).fakeRealtimeModule());

const NOW = '2025-06-01T10:00:00.000Z';
const LIVE = 'GET /v1/bookings?status=in_progress&role=owner&order=asc&limit=5';
const UPCOMING = `GET /v1/bookings?status=pending%2Cconfirmed&from=${encodeURIComponent(NOW)}&role=owner&order=asc&limit=5`;
const PAST = 'GET /v1/bookings?status=completed&role=owner&order=desc&limit=10';
const PETS = 'GET /v1/pets?status=active';
const PLACES = 'GET /v1/users/me/places';
const FAVOURITES = 'GET /v1/users/me/favourites';
const WALK = '77777777-7777-4777-8777-777777777778';
const PAST_ID = '77777777-7777-4777-8777-777777777779';

const favourite = { id: BIZ, name: "Léa's Training", city: 'Berlin', logoUrl: null, rating: 4.5, reviewCount: 12, favouritedAt: NOW };
const walk = (status: Booking['status']) =>
  aBooking({
    id: WALK,
    number: 'WD-1111-1111',
    status,
    pets: [{ id: PET, name: 'Bella', species: 'dog', photoUrl: null }],
    startsAt: '2025-06-01T09:30:00.000Z',
    endsAt: '2025-06-01T10:30:00.000Z',
    actions: [],
  });

let wrapper: VueWrapper | undefined;
beforeEach(() => {
  fakeRealtime.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
});

async function open(role = 'pet_owner') {
  const mounted = await mountPage(DashboardPage, '/dashboard');
  useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser({ role }) } as never);
  wrapper = mounted.wrapper;
  await settle();
  return mounted.wrapper;
}

function routes(overrides: Record<string, unknown> = {}) {
  return {
    [LIVE]: ok([]),
    [UPCOMING]: ok([]),
    [PAST]: ok([]),
    [PETS]: ok([aPet()]),
    [PLACES]: ok([aPlace()]),
    [FAVOURITES]: ok([]),
    ...overrides,
  } as Parameters<typeof mockFetch>[0];
}

describe('owner home', () => {
  it('lists the next bookings with status, local time, pets, business and place, and links to each', async () => {
    mockFetch(
      routes({
        [UPCOMING]: ok([
          aBooking({
            status: 'confirmed',
            location: { kind: 'owner_home', lat: 52.52, lng: 13.405, address: { street: 'Elm Road 12', city: 'Berlin' } } as never,
          }),
          aBooking({ id: 'b2', status: 'pending', location: { kind: 'business' } as never }),
        ]),
        [FAVOURITES]: ok([favourite]),
      }),
    );
    const w = await open();
    const items = w.find('[aria-label="Next bookings"]').findAll('li');
    expect(items).toHaveLength(2);
    expect(items[0]!.text()).toContain('Confirmed');
    // 07:00 UTC is 09:00 in Berlin, the business's zone.
    expect(items[0]!.text()).toContain('09:00');
    expect(items[0]!.text()).toContain('Bello');
    expect(items[0]!.text()).toContain("Léa's Training");
    expect(items[0]!.text()).toContain('Your home: Elm Road 12, Berlin');
    expect(items[0]!.find('a').attributes('href')).toBe(`/bookings/${BOOKING}`);
    expect(items[1]!.text()).toContain('Waiting for confirmation');
    expect(items[1]!.text()).toContain("At Léa's Training, Torstraße 1, Berlin");
    expect(w.find('[data-testid="no-bookings"]').exists()).toBe(false);

    const favourites = w.find('[aria-label="Your favourites"]');
    expect(favourites.text()).toContain("Léa's Training");
    expect(favourites.find('a').attributes('href')).toBe(`/businesses/${BIZ}`);
    // They have a pet and a home: only the search tile is left.
    expect(w.text()).not.toContain('Add your pets');
    expect(w.text()).not.toContain('Set your home address');
    expect(w.find('[aria-label="Get started"]').text()).toContain('Find care near you');
    expect(w.find('a[href="/search"]').exists()).toBe(true);
    expect(fakeRealtime.joined).toEqual([BOOKING, 'b2']);
  });

  it('shows a live banner while a walk is in progress and removes it when the walk ends', async () => {
    let status: Booking['status'] = 'confirmed';
    const net = mockFetch(
      routes({
        [LIVE]: () => ok(status === 'in_progress' ? [walk(status)] : []),
        [UPCOMING]: ok([]),
      }),
    );
    const w = await open();
    expect(w.find('[aria-label="Walks in progress"]').exists()).toBe(false);

    status = 'in_progress';
    fakeRealtime.deliver('notification:new', { id: 'n1', type: 'booking.started', data: { bookingId: WALK }, unreadCount: 1 } as never);
    await settle();
    const banner = w.find('[aria-label="Walks in progress"]');
    expect(banner.text()).toContain("Bella's walk is under way — follow it live");
    expect(banner.find('a').attributes('href')).toBe(`/bookings/${WALK}/live`);
    // The walk is listed first, and its room is watched.
    expect(w.find('[aria-label="Next bookings"]').text()).toContain('In progress');
    expect(fakeRealtime.joined).toEqual([WALK]);

    status = 'completed';
    fakeRealtime.deliver('booking:status', { bookingId: WALK, status: 'completed' });
    await settle();
    expect(w.find('[aria-label="Walks in progress"]').exists()).toBe(false);
    expect(fakeRealtime.left).toEqual([WALK]);
    expect(net.callsTo(LIVE)).toHaveLength(3);
  });

  it('offers "book again" on recent completed bookings with the same pets, worker and place', async () => {
    const done = (id: string, startsAt: string) => aBooking({ id, status: 'completed', startsAt, actions: [] });
    // Last week's walk and the one before are the same booking to repeat: offered once.
    mockFetch(routes({ [PAST]: ok([done(PAST_ID, '2025-05-26T07:00:00.000Z'), done('older', '2025-05-19T07:00:00.000Z')]) }));
    const w = await open();
    const again = w.find('[aria-label="Recent bookings"]');
    expect(again.findAll('li')).toHaveLength(1);
    expect(again.text()).toContain('Solo walk');
    const href = again.find('a').attributes('href')!;
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe(`/book/${SERVICE}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ pets: PET, worker: WORKER, place: aPlace().id });
  });

  it('shows the empty state and set-up tiles only when they are true', async () => {
    mockFetch(routes({ [PETS]: ok([]), [PLACES]: ok([aPlace({ kind: 'work', label: 'Office' })]) }));
    const w = await open();
    expect(w.find('[data-testid="no-bookings"]').text()).toContain('Nothing booked yet');
    expect(w.text()).toContain('Add your pets');
    expect(w.text()).toContain('Set your home address');
    expect(w.find('a[href="/profile#places"]').exists()).toBe(true);
    expect(w.find('[aria-label="Your favourites"]').exists()).toBe(false);
    expect(w.find('[aria-label="Recent bookings"]').exists()).toBe(false);
    w.unmount();

    // When the lists cannot be read, nothing is claimed: no "nothing booked", no "add your pets".
    mockFetch({
      [LIVE]: fail(503, 'UNAVAILABLE', 'Try again in a moment.'),
      [UPCOMING]: fail(503, 'UNAVAILABLE', 'Try again in a moment.'),
      [PAST]: fail(503, 'UNAVAILABLE', 'Try again in a moment.'),
      [PETS]: fail(503, 'UNAVAILABLE', 'Try again in a moment.'),
      [PLACES]: fail(503, 'UNAVAILABLE', 'Try again in a moment.'),
      [FAVOURITES]: fail(503, 'UNAVAILABLE', 'Try again in a moment.'),
    });
    const broken = await open();
    expect(broken.find('[role="alert"]').text()).toContain('Try again in a moment.');
    expect(broken.find('[data-testid="no-bookings"]').exists()).toBe(false);
    expect(broken.text()).not.toContain('Add your pets');
    expect(broken.text()).not.toContain('Set your home address');
  });

  it('keeps the generic tiles for other roles', async () => {
    const net = mockFetch({});
    const w = await open('admin');
    expect(w.text()).toContain('Verify businesses');
    expect(net.calls).toHaveLength(0);
  });
});
