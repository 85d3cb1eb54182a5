import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok, fail } from '../test/fetchMock';
import { useSearchStore } from './search';

const result = (id: string) => ({
  id,
  name: `Walker ${id}`,
  type: 'individual',
  description: null,
  location: { lat: 52.5, lng: 13.4 },
  distanceKm: 1.2,
  rating: 4.5,
  reviewCount: 3,
  lowestPrice: { amountMinor: 1500, currency: 'EUR', priceType: 'per_hour' },
  photo: null,
  serviceTypes: ['walking'],
  address: { city: 'Berlin' },
});

beforeEach(() => setActivePinia(createPinia()));

describe('search store', () => {
  it('searches around the centre with the filters, then loads more with the cursor', async () => {
    const net = mockFetch({
      'GET /v1/businesses/search?lat=52.52&lng=13.405&radius=5&serviceType=walking&minRating=4&sort=rating&limit=20': {
        status: 200,
        body: { success: true, data: [result('a')], meta: { limit: 20, nextCursor: 'c2' } },
      },
      'GET /v1/businesses/search?lat=52.52&lng=13.405&radius=5&serviceType=walking&minRating=4&sort=rating&cursor=c2&limit=20': {
        status: 200,
        body: { success: true, data: [result('a'), result('b')], meta: { limit: 20, nextCursor: null } },
      },
      'GET /v1/locations/businesses?lat=52.52&lng=13.405&radius=5': ok([
        { id: 'a', name: 'Walker a', lat: 52.5, lng: 13.4, rating: 4.5, lowestPriceMinor: 1500, currency: 'EUR', serviceTypes: [] },
      ]),
    });
    const store = useSearchStore();
    Object.assign(store.filters, { radius: 5, serviceType: 'walking', minRating: 4, sort: 'rating' });

    await store.search();
    expect(store.results.map((r) => r.id)).toEqual(['a']);
    expect(store.markers).toHaveLength(1);
    expect(store.nextCursor).toBe('c2');

    await store.loadMore();
    expect(store.results.map((r) => r.id)).toEqual(['a', 'b']);
    expect(store.nextCursor).toBeNull();
    expect(net.calls.every((c) => c.headers.authorization === undefined)).toBe(true);
  });

  it('shows the results on the map when the marker endpoint fails', async () => {
    mockFetch({
      'GET /v1/businesses/search?lat=1&lng=2&radius=10&sort=distance&limit=20': ok([result('x')]),
      'GET /v1/locations/businesses?lat=1&lng=2&radius=10': fail(500, 'INTERNAL_ERROR', 'Down'),
    });
    const store = useSearchStore();
    store.moveTo(2, 1);

    await store.search();

    expect(store.markers).toEqual([expect.objectContaining({ id: 'x', lat: 52.5, lng: 13.4, lowestPriceMinor: 1500 })]);
  });

  it('keeps only the newest answer when searches overlap', async () => {
    let release: () => void = () => {};
    mockFetch({
      'GET /v1/businesses/search?lat=52.52&lng=13.405&radius=10&sort=distance&limit=20': () =>
        new Promise((resolve) => (release = () => resolve(ok([result('old')])))),
      'GET /v1/businesses/search?lat=52.52&lng=13.405&radius=25&sort=distance&limit=20': ok([result('new')]),
      'GET /v1/locations/businesses?lat=52.52&lng=13.405&radius=10': ok([]),
      'GET /v1/locations/businesses?lat=52.52&lng=13.405&radius=25': ok([]),
    });
    const store = useSearchStore();
    const first = store.search();
    store.filters.radius = 25;
    await store.search();
    release();
    await first;

    expect(store.results.map((r) => r.id)).toEqual(['new']);
    expect(store.loading).toBe(false);
  });

  it('keeps the currency the businesses price in, also through a search that finds none', async () => {
    const gbp = { ...result('g'), lowestPrice: { amountMinor: 1400, currency: 'GBP', priceType: 'per_session' } };
    mockFetch({
      'GET /v1/businesses/search?lat=51.5&lng=-0.1&radius=10&sort=distance&limit=20': ok([gbp]),
      'GET /v1/locations/businesses?lat=51.5&lng=-0.1&radius=10': ok([]),
      'GET /v1/businesses/search?lat=51.5&lng=-0.1&radius=10&maxPrice=1&sort=distance&limit=20': ok([]),
    });
    const store = useSearchStore();
    store.moveTo(-0.1, 51.5);
    expect(store.currency).toBeNull();
    await store.search();
    expect(store.currency).toBe('GBP');
    store.filters.maxPrice = 1;
    await store.search();
    expect(store.currency).toBe('GBP');
  });

  it('starts at the platform default area from /v1/config when nothing was chosen before, never at a fixed city', async () => {
    localStorage.clear();
    mockFetch({ 'GET /v1/config': ok({ mapStyleUrl: null, defaultArea: { label: 'London', lat: 51.5, lng: -0.12 } }) });
    const store = useSearchStore();
    expect(await store.start()).toEqual({ label: 'London', lat: 51.5, lng: -0.12 });
    expect(store.center).toEqual([-0.12, 51.5]);
  });

  it('prefers the place it was sent to, then the last place of this browser, and asks for one when the platform knows none', async () => {
    localStorage.setItem('wd:last-place', JSON.stringify({ label: 'Fulham', lat: 51.48, lng: -0.2 }));
    const net = mockFetch({ 'GET /v1/config': ok({ mapStyleUrl: null, defaultArea: null }) });
    expect(await useSearchStore().start({ label: 'Hackney', lat: 51.55, lng: -0.05 })).toMatchObject({ label: 'Hackney' });
    setActivePinia(createPinia());
    expect(await useSearchStore().start()).toMatchObject({ label: 'Fulham' });
    expect(net.calls).toHaveLength(0);
    localStorage.clear();
    setActivePinia(createPinia());
    expect(await useSearchStore().start()).toBeNull();
  });

  it('sends the availability window with the search when a date is chosen', async () => {
    const net = mockFetch({
      'GET /v1/businesses/search?lat=51.5&lng=-0.12&radius=10&serviceType=walking&sort=distance&availableOn=2026-03-29&from=09%3A00&to=12%3A00&pets=2&limit=20':
        { status: 200, body: { success: true, data: [], meta: { limit: 20, nextCursor: 'c', checked: 40, capped: true } } },
      'GET /v1/locations/businesses?lat=51.5&lng=-0.12&radius=10': ok([]),
    });
    const store = useSearchStore();
    store.choosePlace({ label: 'London', lat: 51.5, lng: -0.12 });
    store.filters.serviceType = 'walking';
    Object.assign(store.availability, { date: '2026-03-29', from: '09:00', to: '12:00', pets: 2 });
    await store.search();
    expect(net.calls).toHaveLength(2);
    expect(store.capped).toBe(true);
  });
});
