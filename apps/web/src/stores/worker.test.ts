import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok } from '../test/fetchMock';
import { useWorkerStore } from './worker';

const BIZ = '33333333-3333-4333-8333-333333333333';
const me = { id: 'w2', userId: 'user-2', businessId: BIZ, businessName: 'Happy Paws', firstName: 'Wim', lastName: 'W', weeklyAvailability: [], timeOff: [] };

beforeEach(() => setActivePinia(createPinia()));

describe('worker store', () => {
  it('loads the own worker record with the name of its business, asking nothing else', async () => {
    const net = mockFetch({ 'GET /v1/workers/me': ok(me) });
    const store = useWorkerStore();

    await store.load();
    expect(net.calls).toHaveLength(1);

    expect(store.worker?.id).toBe('w2');
    expect(store.businessName).toBe('Happy Paws');
  });

  it('has no record for an account that is not an active worker', async () => {
    mockFetch({ 'GET /v1/workers/me': () => ({ status: 404, body: { success: false, error: { code: 'NOT_FOUND', message: 'Worker profile not found.' } } }) });
    const store = useWorkerStore();
    expect(await store.load()).toBeNull();
    expect(store.loaded).toBe(true);
  });

  it('saves availability without the ids of time off', async () => {
    const net = mockFetch({
      'GET /v1/workers/me': ok(me),
      'PUT /v1/workers/w2/availability': (call) => ok({ ...me, ...(call.body as object) }),
    });
    const store = useWorkerStore();
    await store.load();

    await store.saveAvailability(
      [{ day: 1, start: '09:00', end: '17:00' }],
      [{ id: 't1', startsAt: '2025-03-01T08:00:00.000Z', endsAt: '2025-03-02T08:00:00.000Z', reason: null }],
    );

    expect(net.callsTo('PUT /v1/workers/w2/availability')[0]?.body).toEqual({
      weeklyAvailability: [{ day: 1, start: '09:00', end: '17:00' }],
      timeOff: [{ startsAt: '2025-03-01T08:00:00.000Z', endsAt: '2025-03-02T08:00:00.000Z', reason: null }],
    });
    expect(store.worker?.weeklyAvailability).toHaveLength(1);
  });
});
