import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { fakeRealtime } from '../tracking/fakeRealtime';
import { mockFetch, ok } from '../../test/fetchMock';
import { settle } from '../../test/mountPage';
import TeamLiveMap from './TeamLiveMap.vue';

vi.mock('../../lib/realtime', async () => (await import('../tracking/fakeRealtime')).fakeRealtimeModule());

const BIZ = '22222222-2222-4222-8222-222222222222';
const ANNA = '44444444-4444-4444-8444-444444444444';
const NEARBY = `GET /v1/locations/workers?lat=52.52&lng=13.4&radius=50000&limit=200&team=true`;
const anna = (seenAt: string) => ({
  lng: 13.41,
  lat: 52.53,
  approximate: false,
  distanceMeters: 1200,
  businessId: BIZ,
  businessName: 'Happy Paws',
  worker: { id: ANNA, firstName: 'Anna', lastName: 'Arndt' },
  seenAt,
});

let wrapper: VueWrapper | undefined;
beforeEach(() => fakeRealtime.reset());
afterEach(() => wrapper?.unmount());

async function open() {
  const pinia = createPinia();
  setActivePinia(pinia);
  // The map needs WebGL, which jsdom lacks; the list is what carries the information.
  wrapper = mount(TeamLiveMap, {
    props: { business: { id: BIZ, location: { lat: 52.52, lng: 13.4 } } },
    global: { plugins: [pinia], stubs: { MapCanvas: true } },
    attachTo: document.body,
  });
  await settle();
  return wrapper;
}

describe('team on the map', () => {
  it('lists the online workers with how long ago they were seen, and follows them live', async () => {
    mockFetch({ [NEARBY]: ok([anna(new Date(Date.now() - 2 * 60_000 - 5_000).toISOString())]) });
    const w = await open();
    expect(w.find('h2').text()).toBe('Team on the map');
    const list = w.get('ul[aria-label="Workers online now"]');
    expect(list.findAll('li')).toHaveLength(1);
    expect(list.text()).toContain('Anna Arndt');
    expect(list.text()).toContain('Online, seen 2 min ago');
    // The map is a picture of the list: hidden from screen readers.
    expect(w.get('.team-live__map').attributes('aria-hidden')).toBe('true');

    fakeRealtime.deliver('worker:presence', { workerId: ANNA, businessId: BIZ, online: false, location: null });
    await settle();
    expect(w.find('ul[aria-label="Workers online now"]').exists()).toBe(false);
    expect(w.text()).toContain('Nobody is online right now.');
  });

  it('says nobody is online and where workers go online', async () => {
    mockFetch({ [NEARBY]: ok([]) });
    const w = await open();
    expect(w.text()).toContain('Nobody is online right now.');
    expect(w.text()).toContain('Workers go online from their Today page');
    expect(w.find('li').exists()).toBe(false);
  });

  it('stops listening when it leaves the page', async () => {
    mockFetch({ [NEARBY]: ok([]) });
    const w = await open();
    expect(fakeRealtime.listening('worker:presence')).toBe(1);
    w.unmount();
    wrapper = undefined;
    expect(fakeRealtime.listening('worker:presence')).toBe(0);
  });
});
