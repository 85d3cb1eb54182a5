import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { NearbyWorker, PresenceBroadcast } from '@walkydoggy/shared';
import { fakeRealtime } from '../components/tracking/fakeRealtime';
import { mockFetch, ok } from '../test/fetchMock';
import { settle } from '../test/mountPage';
import { useBusinessStore } from './business';
import { seenAgo, TEAM_REFRESH_MS, useTeamLiveStore } from './teamLive';

vi.mock('../lib/realtime', async () => (await import('../components/tracking/fakeRealtime')).fakeRealtimeModule());

const BIZ = '22222222-2222-4222-8222-222222222222';
const OTHER_BIZ = '33333333-3333-4333-8333-333333333333';
const ANNA = '44444444-4444-4444-8444-444444444444';
const BEN = '55555555-5555-4555-8555-555555555555';
const CARL = '66666666-6666-4666-8666-666666666666';
const BUSINESS = { id: BIZ, location: { lat: 52.52, lng: 13.4 } };
const NEARBY = `GET /v1/locations/workers?lat=52.52&lng=13.4&radius=50000&limit=200&team=true`;

function nearby(overrides: Partial<NearbyWorker> = {}): NearbyWorker {
  return {
    lng: 13.41,
    lat: 52.53,
    approximate: false,
    distanceMeters: 1200,
    businessId: BIZ,
    businessName: 'Happy Paws',
    worker: { id: ANNA, firstName: 'Anna', lastName: 'Arndt' },
    seenAt: new Date(Date.now() - 30_000).toISOString(),
    onWalk: false,
    ...overrides,
  };
}
const presence = (overrides: Partial<PresenceBroadcast> = {}): PresenceBroadcast => ({
  workerId: ANNA,
  businessId: BIZ,
  online: true,
  location: { lng: 13.42, lat: 52.54, at: new Date().toISOString(), accuracyM: 8 },
  ...overrides,
});

beforeEach(() => {
  setActivePinia(createPinia());
  fakeRealtime.reset();
});
afterEach(() => {
  useTeamLiveStore().stop();
  vi.useRealTimers();
});

describe('team live store', () => {
  it('loads only the business’s own workers around its location, with their exact positions', async () => {
    const net = mockFetch({
      [NEARBY]: ok([
        nearby(),
        // Another business's worker: anonymous and approximate, not our team.
        nearby({ worker: null, approximate: true, businessId: OTHER_BIZ, businessName: 'Rivals', lng: 13.4, lat: 52.52 }),
        nearby({ worker: { id: BEN, firstName: 'Ben', lastName: 'Berg' }, lng: 13.39, lat: 52.51, onWalk: true }),
      ]),
    });
    const team = useTeamLiveStore();
    await team.start(BUSINESS);
    // The team view (team=true) includes workers on a walk, marked so.
    expect(team.online.map((m) => m.onWalk)).toEqual([false, true]);

    expect(net.callsTo(NEARBY)).toHaveLength(1);
    expect(team.loaded).toBe(true);
    expect(team.online.map((m) => [m.firstName, m.position])).toEqual([
      ['Anna', { lng: 13.41, lat: 52.53 }],
      ['Ben', { lng: 13.39, lat: 52.51 }],
    ]);
    expect(fakeRealtime.listening('worker:presence')).toBe(1);
  });

  it('applies presence: online adds, a move moves, no position keeps the last, offline removes, other businesses are ignored', async () => {
    mockFetch({ [NEARBY]: ok([]) });
    const team = useTeamLiveStore();
    useBusinessStore().workers = [{ id: CARL, firstName: 'Carl', lastName: 'Cole' }] as never;
    await team.start(BUSINESS);
    expect(team.online).toEqual([]);

    // Carl goes online: his name comes from the team the dashboard loaded.
    fakeRealtime.deliver('worker:presence', presence({ workerId: CARL }));
    expect(team.online).toHaveLength(1);
    expect(team.online[0]).toMatchObject({ workerId: CARL, firstName: 'Carl', lastName: 'Cole', position: { lng: 13.42, lat: 52.54 } });

    fakeRealtime.deliver(
      'worker:presence',
      presence({ workerId: CARL, location: { lng: 13.43, lat: 52.55, at: '2030-01-01T10:00:00.000Z', accuracyM: null } }),
    );
    expect(team.online[0]).toMatchObject({ position: { lng: 13.43, lat: 52.55 }, seenAt: '2030-01-01T10:00:00.000Z' });

    fakeRealtime.deliver('worker:presence', presence({ workerId: CARL, location: null }));
    expect(team.online[0]?.position).toEqual({ lng: 13.43, lat: 52.55 });

    // Another business's worker (the server should not send it, but a stale room must not leak in).
    fakeRealtime.deliver('worker:presence', presence({ workerId: BEN, businessId: OTHER_BIZ }));
    expect(team.online.map((m) => m.workerId)).toEqual([CARL]);

    fakeRealtime.deliver('worker:presence', presence({ workerId: CARL, online: false, location: null }));
    expect(team.online).toEqual([]);
  });

  it('a worker online without a position is listed without one', async () => {
    mockFetch({ [NEARBY]: ok([]) });
    const team = useTeamLiveStore();
    await team.start(BUSINESS);
    fakeRealtime.deliver('worker:presence', presence({ workerId: BEN, location: null }));
    expect(team.online[0]).toMatchObject({ workerId: BEN, firstName: 'Team member', position: null });
  });

  it('reads again every minute and after a reconnection, keeping workers live events still vouch for', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2030-01-01T10:00:00.000Z'));
    // Anna's last sign is 4½ minutes old: a minute later she is past the 5-minute presence window.
    let answer = [nearby({ seenAt: '2030-01-01T09:55:30.000Z' })];
    const net = mockFetch({ [NEARBY]: () => ok(answer) });
    const team = useTeamLiveStore();
    await team.start(BUSINESS);
    expect(team.online.map((m) => m.firstName)).toEqual(['Anna']);

    // Ben is on a walk: "nearby" leaves him out, but his moves reach the business room.
    fakeRealtime.deliver('worker:presence', presence({ workerId: BEN, location: { lng: 13.5, lat: 52.5, at: new Date().toISOString(), accuracyM: 5 } }));
    answer = [];
    vi.advanceTimersByTime(TEAM_REFRESH_MS);
    await settle();
    expect(net.callsTo(NEARBY)).toHaveLength(2);
    // Anna dropped out unseen (no offline event reached us) and her last sign is too old; Ben was seen just now.
    expect(team.online.map((m) => m.workerId)).toEqual([BEN]);

    // Six minutes later with no sign from Ben: the server would have marked him offline.
    vi.setSystemTime(new Date('2030-01-01T10:06:00.000Z'));
    fakeRealtime.setState('disconnected');
    fakeRealtime.setState('connected');
    await settle();
    expect(net.callsTo(NEARBY)).toHaveLength(3);
    expect(team.online).toEqual([]);

    team.stop();
    vi.advanceTimersByTime(TEAM_REFRESH_MS * 3);
    await settle();
    expect(net.callsTo(NEARBY)).toHaveLength(3);
    expect(fakeRealtime.listening('worker:presence')).toBe(0);
  });

  it('says how long ago a worker was seen', () => {
    const now = Date.parse('2030-01-01T10:00:00.000Z');
    expect(seenAgo('2030-01-01T09:59:30.000Z', now)).toBe('seen just now');
    expect(seenAgo('2030-01-01T09:58:00.000Z', now)).toBe('seen 2 min ago');
    expect(seenAgo('2030-01-01T08:30:00.000Z', now)).toBe('seen 1 h ago');
  });
});
