import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, WORKER } from '../test/bookingFixtures';
import { aTrackingView, aWalkEvent, point } from '../components/tracking/fixtures';
import { fakeRealtime } from '../components/tracking/fakeRealtime';
import WalkMap from '../components/tracking/WalkMap.vue';
import { useSessionStore } from '../stores/session';
import LiveTrackingPage from './LiveTrackingPage.vue';
import { haversineMeters } from '@walkydoggy/shared';

vi.mock('../lib/realtime', async () => (await import('../components/tracking/fakeRealtime')).fakeRealtimeModule());

let wrapper: VueWrapper | undefined;
beforeEach(() => fakeRealtime.reset());
afterEach(() => wrapper?.unmount());

const TRACKING = `GET /v1/bookings/${BOOKING}/tracking`;
const moved = (at: string, lng: number, lat: number) => ({ bookingId: BOOKING, workerId: WORKER, point: { ...point(at, lng, lat), seq: null, speedMps: 1.4 } });

async function open() {
  const mounted = await mountPage(LiveTrackingPage, `/bookings/${BOOKING}/live`, '/bookings/:id/live', { WalkMap: true });
  useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser() } as never);
  wrapper = mounted.wrapper;
  await settle();
  return mounted.wrapper;
}

describe('live tracking page', () => {
  it('joins the room and extends the route with live positions, starting a new segment after a gap', async () => {
    mockFetch({ [TRACKING]: ok(aTrackingView()) });
    const w = await open();
    expect(fakeRealtime.joined).toEqual([BOOKING]);
    expect(w.find('.connection').text()).toBe('Live');
    const map = () => w.findComponent(WalkMap);
    expect(map().props('route')).toEqual([
      [
        [13.4, 52.52],
        [13.401, 52.52],
      ],
    ]);

    fakeRealtime.deliver('location:updated', moved('2025-06-02T07:00:20.000Z', 13.402, 52.52));
    await settle();
    expect(map().props('route')).toHaveLength(1);
    expect(map().props('route')[0]).toHaveLength(3);
    expect(map().props('worker')).toEqual({ lng: 13.402, lat: 52.52 });
    // In words, how far from the booking's place (the fixture's destination), never coordinates.
    const metres = Math.round(haversineMeters({ lng: 13.402, lat: 52.52 }, { lng: 13.4, lat: 52.52 }));
    expect(metres).toBeGreaterThan(100);
    expect(w.find('[data-testid="position-text"]').text()).toBe(`${metres} m from the booking's address`);
    // About 136 m on two legs of ~68 m.
    expect(w.find('[data-testid="distance"]').text()).toMatch(/^13[5-7] m$/);

    // Two minutes without a point: a new line, not a straight jump across the gap; the gap adds no distance.
    fakeRealtime.deliver('location:updated', moved('2025-06-02T07:02:30.000Z', 13.41, 52.52));
    await settle();
    expect(map().props('route')).toHaveLength(2);
    expect(map().props('route')[1]).toEqual([[13.41, 52.52]]);
    expect(w.find('[data-testid="distance"]').text()).toMatch(/^13[5-7] m$/);

    // Another booking's position, or a repeat of an older one, changes nothing.
    fakeRealtime.deliver('location:updated', { ...moved('2025-06-02T07:03:00.000Z', 13.5, 52.6), bookingId: 'other' });
    fakeRealtime.deliver('location:updated', moved('2025-06-02T07:02:30.000Z', 13.41, 52.52));
    await settle();
    expect(map().props('route')[1]).toHaveLength(1);
  });

  it('shows the distance of the full track, not of the thinned route it draws, and adds what live positions extend it by', async () => {
    // A long walk: the view draws a thinned route (TRACK_VIEW_MAX_POINTS) and measures the full track.
    mockFetch({ [TRACKING]: ok(aTrackingView({ stats: { points: 48_000, duplicates: 0, jumps: 0, distanceMeters: 31_250, durationSeconds: 12 * 3600 } })) });
    const w = await open();
    expect(w.find('[data-testid="distance"]').text()).toBe('31.25 km');
    fakeRealtime.deliver('location:updated', moved('2025-06-02T07:00:20.000Z', 13.402, 52.52));
    await settle();
    // About 68 m more.
    expect(w.find('[data-testid="distance"]').text()).toBe('31.32 km');
  });

  it('shows the ETA while the worker is on the way, events as they happen, then "Walk finished" and stops listening', async () => {
    mockFetch({
      [TRACKING]: ok(
        aTrackingView({
          status: 'confirmed',
          live: false,
          onTheWayAt: '2025-06-02T06:50:00.000Z',
          startedAt: null,
          segments: [],
          lastPoint: null,
          eta: { distanceMeters: 1500, etaSeconds: 600, speedMps: 2.5, basis: 'recent_speed', at: '2025-06-02T06:51:00.000Z' },
        }),
      ),
    });
    const w = await open();
    expect(w.find('[data-testid="eta"]').text()).toContain('Arriving in about 10 min (1.50 km away)');
    expect(w.find('[data-testid="last-position"]').text()).toBe('None yet');

    fakeRealtime.deliver('tracking:eta', {
      bookingId: BOOKING,
      eta: { distanceMeters: 400, etaSeconds: 160, speedMps: 2.5, basis: 'recent_speed', at: '2025-06-02T06:55:00.000Z' },
    });
    await settle();
    expect(w.find('[data-testid="eta"]').text()).toContain('Arriving in about 3 min (400 m away)');

    fakeRealtime.deliver('booking:status', { bookingId: BOOKING, status: 'in_progress' });
    fakeRealtime.deliver('walk:event', { bookingId: BOOKING, event: aWalkEvent({ kind: 'water', note: 'Drank a lot' }) });
    fakeRealtime.deliver('walk:event', { bookingId: BOOKING, event: aWalkEvent({ kind: 'water', note: 'Drank a lot' }) });
    await settle();
    expect(w.find('[data-testid="eta"]').exists()).toBe(false);
    expect(w.findAll('.walk-event')).toHaveLength(1);
    expect(w.find('.walk-event').text()).toContain('Water');
    expect(w.find('.walk-event').text()).toContain('Drank a lot');
    expect(w.text()).toContain('In progress');

    fakeRealtime.deliver('booking:status', { bookingId: BOOKING, status: 'completed' });
    await settle();
    expect(w.text()).toContain('Walk finished');
    expect(w.find(`a[href="/bookings/${BOOKING}/report"]`).exists()).toBe(true);
    expect(fakeRealtime.left).toEqual([BOOKING]);
    expect(fakeRealtime.listening('location:updated')).toBe(0);
    expect(fakeRealtime.listening('walk:event')).toBe(0);
  });

  it('shows the connection state and reads the walk again after a reconnect', async () => {
    let reads = 0;
    mockFetch({
      [TRACKING]: () => {
        reads += 1;
        return ok(reads === 1 ? aTrackingView() : aTrackingView({ events: [aWalkEvent({ kind: 'poo' })] }));
      },
    });
    const w = await open();
    fakeRealtime.setState('disconnected');
    await settle();
    expect(w.find('.connection').text()).toBe('Reconnecting…');
    fakeRealtime.setState('connected');
    await settle();
    expect(w.find('.connection').text()).toBe('Live');
    expect(reads).toBe(2);
    expect(w.find('.walk-event').text()).toContain('Poo');
  });

  it('does not join the room of a finished walk and links its report', async () => {
    mockFetch({ [TRACKING]: ok(aTrackingView({ status: 'completed', live: false, completedAt: '2025-06-02T08:00:00.000Z' })) });
    const w = await open();
    expect(fakeRealtime.joined).toEqual([]);
    expect(w.text()).toContain('Walk finished');
  });

  it('says so when the booking is not the caller’s', async () => {
    mockFetch({ [TRACKING]: fail(404, 'NOT_FOUND', 'Booking not found.') });
    const w = await open();
    expect(w.text()).toContain('not yours to watch');
    expect(fakeRealtime.joined).toEqual([]);
  });
});
