import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import SearchPage from './SearchPage.vue';

const FIRST = 'GET /v1/businesses/search?lat=51.5&lng=-0.12&radius=10&sort=distance&limit=20';
const MARKERS = 'GET /v1/locations/businesses?lat=51.5&lng=-0.12&radius=10';
/** The platform's default area (DEFAULT_AREA, or where its businesses are): where a first visit starts. */
const CONFIG = {
  'GET /v1/config': ok({
    mapStyleUrl: null,
    payments: { provider: 'simulated', publishableKey: null },
    defaultArea: { label: 'London', lat: 51.5, lng: -0.12 },
  }),
};
let wrapper: VueWrapper | undefined;
beforeEach(() => localStorage.clear());
afterEach(() => wrapper?.unmount());

const result = (currency: string, amountMinor: number) => ({
  id: `b-${currency}`,
  name: 'Walkies',
  type: 'individual',
  description: null,
  location: { lat: 52.5, lng: 13.4 },
  distanceKm: 1,
  rating: null,
  reviewCount: 0,
  lowestPrice: { amountMinor, currency, priceType: 'per_session' },
  photo: null,
  serviceTypes: ['walking'],
  address: { city: 'London' },
});

async function open(routes: Parameters<typeof mockFetch>[0]) {
  const net = mockFetch({ ...CONFIG, ...routes });
  ({ wrapper } = await mountPage(SearchPage, '/search', '/search', { SearchMap: true }));
  await settle();
  return net;
}

describe('search page price filter', () => {
  it('labels the max price in the currency the businesses found price in', async () => {
    await open({ [FIRST]: ok([result('GBP', 1400)]), [MARKERS]: ok([]) });
    expect(wrapper!.find('label[for="max-price"]').text()).toBe('Max price (£)');
    expect(wrapper!.text()).not.toContain('€');
  });

  it('says no currency before any price is known', async () => {
    await open({ [FIRST]: ok([]), [MARKERS]: ok([]) });
    expect(wrapper!.find('label[for="max-price"]').text()).toBe('Max price');
  });

  it('reads the typed max price in that currency’s minor units', async () => {
    const yen = 'GET /v1/businesses/search?lat=51.5&lng=-0.12&radius=10&maxPrice=1500&sort=distance&limit=20';
    const net = await open({ [FIRST]: ok([result('JPY', 1200)]), [MARKERS]: ok([]), [yen]: ok([result('JPY', 1200)]) });
    await wrapper!.find('#max-price').setValue('1500');
    await wrapper!.find('form').trigger('submit');
    await settle();
    expect(net.callsTo(yen)).toHaveLength(1);
  });
});

describe('search page start', () => {
  it('starts at the platform default area and names it, never a city of its own', async () => {
    await open({ [FIRST]: ok([result('GBP', 1400)]), [MARKERS]: ok([]) });
    expect(wrapper!.text()).toContain('1 business near London');
    expect(wrapper!.text()).not.toContain('Berlin');
    expect((wrapper!.find('input[role="combobox"]').element as HTMLInputElement).value).toBe('London');
  });

  it('asks for a place, and searches nothing, when the platform knows no area', async () => {
    const net = await open({ 'GET /v1/config': ok({ mapStyleUrl: null, defaultArea: null }) });
    expect(wrapper!.text()).toContain('Type a town, district or street above');
    expect(net.calls.filter((c) => c.path.startsWith('/v1/businesses'))).toHaveLength(0);
  });

  it('starts at the last place searched in this browser', async () => {
    localStorage.setItem('wd:last-place', JSON.stringify({ label: 'Fulham, London, United Kingdom', lat: 51.48, lng: -0.2 }));
    const first = 'GET /v1/businesses/search?lat=51.48&lng=-0.2&radius=10&sort=distance&limit=20';
    const net = await open({ [first]: ok([]), 'GET /v1/locations/businesses?lat=51.48&lng=-0.2&radius=10': ok([]) });
    expect(net.callsTo(first)).toHaveLength(1);
    expect(net.callsTo('GET /v1/config')).toHaveLength(0);
    expect(wrapper!.text()).toContain('near Fulham');
  });
});
