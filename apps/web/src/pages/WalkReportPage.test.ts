import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING } from '../test/bookingFixtures';
import { aWalkEvent, aWalkReport } from '../components/tracking/fixtures';
import WalkMap from '../components/tracking/WalkMap.vue';
import { useSessionStore } from '../stores/session';
import WalkReportPage from './WalkReportPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());
const REPORT = `GET /v1/bookings/${BOOKING}/report`;

async function open() {
  const mounted = await mountPage(WalkReportPage, `/bookings/${BOOKING}/report`, '/bookings/:id/report', { WalkMap: true });
  useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser() } as never);
  wrapper = mounted.wrapper;
  await settle();
  return mounted.wrapper;
}

describe('walk report page', () => {
  it('shows distance, duration, the route by segments, counts, events, photos and the notes', async () => {
    mockFetch({
      [REPORT]: ok(
        aWalkReport({
          events: [
            aWalkEvent(),
            aWalkEvent({ id: '99999999-9999-4999-8999-999999999992', kind: 'water', at: '2025-06-02T07:20:00.000Z' }),
            aWalkEvent({ id: '99999999-9999-4999-8999-999999999993', kind: 'note', note: 'Met a beagle', at: '2025-06-02T07:30:00.000Z' }),
          ],
          counts: { pee: 1, poo: 0, water: 1, food: 0, photo: 1, note: 1 },
        }),
      ),
    });
    const w = await open();
    expect(w.find('[data-testid="distance"]').text()).toBe('3.24 km');
    expect(w.find('[data-testid="duration"]').text()).toBe('47 min');
    const map = w.findComponent(WalkMap);
    expect(map.props('route')).toHaveLength(2);
    expect(map.props('worker')).toEqual({ lng: 13.43, lat: 52.522 });
    const counts = w.find('[aria-label="Counts"]');
    expect(counts.findAll('li').map((li) => li.text())).toEqual(['💧 Pee: 1', '🥣 Water: 1', '📷 Photo: 1', '📝 Note: 1']);
    expect(w.findAll('.walk-event').map((e) => e.attributes('data-kind'))).toEqual(['pee', 'water', 'note']);
    expect(w.text()).toContain('Met a beagle');
    expect(w.find('[data-testid="notes"]').text()).toBe('Bello loved the pond.');
    // Private photos carry the access token (an <img> cannot send the header).
    expect(w.find('.photo-grid img').attributes('src')).toBe('/v1/media/12121212-1212-4212-8212-121212121212/file?access_token=tok');
  });

  it('says the report is not ready yet (404) and offers the live view', async () => {
    mockFetch({ [REPORT]: fail(404, 'NOT_FOUND', 'The walk report is not ready.') });
    const w = await open();
    expect(w.text()).toContain('The walk report is not ready yet.');
    expect(w.find(`a[href="/bookings/${BOOKING}/live"]`).exists()).toBe(true);
  });

  it('says when nothing was recorded', async () => {
    mockFetch({
      [REPORT]: ok(
        aWalkReport({ route: [], distanceMeters: 0, events: [], counts: { pee: 0, poo: 0, water: 0, food: 0, photo: 0, note: 0 }, photos: [], notes: null }),
      ),
    });
    const w = await open();
    expect(w.find('[data-testid="distance"]').text()).toBe('0.00 km');
    expect(w.text()).toContain('No route was recorded for this walk.');
    expect(w.text()).toContain('Nothing was logged during the walk.');
    expect(w.findComponent(WalkMap).exists()).toBe(false);
  });
});
