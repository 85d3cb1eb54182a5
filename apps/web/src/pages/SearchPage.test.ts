import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import SearchPage from './SearchPage.vue';

const FIRST = 'GET /v1/businesses/search?lat=52.52&lng=13.405&radius=10&sort=distance&limit=20';
const MARKERS = 'GET /v1/locations/businesses?lat=52.52&lng=13.405&radius=10';
let wrapper: VueWrapper | undefined;
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
  const net = mockFetch(routes);
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
    const yen = 'GET /v1/businesses/search?lat=52.52&lng=13.405&radius=10&maxPrice=1500&sort=distance&limit=20';
    const net = await open({ [FIRST]: ok([result('JPY', 1200)]), [MARKERS]: ok([]), [yen]: ok([result('JPY', 1200)]) });
    await wrapper!.find('#max-price').setValue('1500');
    await wrapper!.find('form').trigger('submit');
    await settle();
    expect(net.callsTo(yen)).toHaveLength(1);
  });
});
