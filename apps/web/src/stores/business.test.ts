import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok } from '../test/fetchMock';
import { useBusinessStore } from './business';

const BIZ = '22222222-2222-4222-8222-222222222222';
const business = (overrides: Record<string, unknown> = {}) => ({
  id: BIZ,
  ownerId: 'owner',
  name: 'Happy Paws',
  services: [],
  serviceArea: null,
  verificationStatus: 'pending',
  location: { lat: 52.5, lng: 13.4 },
  ...overrides,
});
const service = {
  id: 's1',
  businessId: BIZ,
  name: 'Walk',
  type: 'walking',
  price: { amountMinor: 1500, currency: 'EUR' },
  priceType: 'per_hour',
  active: true,
};

beforeEach(() => setActivePinia(createPinia()));

describe('business store', () => {
  it('loads the own business with its services, team and invitations', async () => {
    mockFetch({
      'GET /v1/businesses': ok([business()]),
      [`GET /v1/businesses/${BIZ}/services`]: ok([service]),
      [`GET /v1/businesses/${BIZ}/workers`]: ok([{ id: 'w1', firstName: 'Wim' }]),
      [`GET /v1/businesses/${BIZ}/worker-invitations`]: ok([{ id: 'i1', email: 'x@example.com', expiresAt: '2025-01-08T00:00:00.000Z' }]),
    });
    const store = useBusinessStore();

    await store.load();

    expect(store.business?.name).toBe('Happy Paws');
    expect(store.services.map((s) => s.id)).toEqual(['s1']);
    expect(store.workers.map((w) => w.id)).toEqual(['w1']);
    expect(store.invitations.map((i) => i.email)).toEqual(['x@example.com']);
  });

  it('has nothing to load for a new business account', async () => {
    mockFetch({ 'GET /v1/businesses': ok([]) });
    const store = useBusinessStore();
    expect(await store.load()).toBeNull();
    expect(store.loaded).toBe(true);
  });

  it('saves the drawn service area as a GeoJSON polygon', async () => {
    const area = {
      type: 'Polygon',
      coordinates: [
        [
          [13.3, 52.5],
          [13.5, 52.5],
          [13.5, 52.6],
          [13.3, 52.5],
        ],
      ],
    };
    const net = mockFetch({ 'POST /v1/businesses': ok(business(), 201), [`PUT /v1/businesses/${BIZ}`]: ok(business({ serviceArea: area })) });
    const store = useBusinessStore();
    await store.create({ name: 'Happy Paws' });

    await store.update({ serviceArea: area as never });

    expect(net.callsTo(`PUT /v1/businesses/${BIZ}`)[0]?.body).toEqual({ serviceArea: area });
    expect(store.business?.serviceArea).toEqual(area);
  });

  it('adds, edits and deactivates services', async () => {
    const net = mockFetch({
      'POST /v1/businesses': ok(business(), 201),
      [`POST /v1/businesses/${BIZ}/services`]: ok(service, 201),
      'PUT /v1/services/s1': (call) => ok({ ...service, ...(call.body as object) }),
    });
    const store = useBusinessStore();
    await store.create({ name: 'Happy Paws' });

    const created = await store.saveService(service as never);
    await store.setServiceActive(created, false);

    expect(store.services).toHaveLength(1);
    expect(store.services[0]?.active).toBe(false);
    expect(net.callsTo('PUT /v1/services/s1')[0]?.body).toEqual({ active: false });
  });

  it('invites a worker, revokes the invitation and removes a worker', async () => {
    const net = mockFetch({
      'POST /v1/businesses': ok(business(), 201),
      [`POST /v1/businesses/${BIZ}/workers`]: ok({ invitationId: 'i9', email: 'wim@example.com', expiresAt: '2025-01-08T00:00:00.000Z' }, 201),
      [`DELETE /v1/businesses/${BIZ}/worker-invitations/i9`]: ok(),
      [`DELETE /v1/businesses/${BIZ}/workers/w1`]: ok(),
    });
    const store = useBusinessStore();
    await store.create({ name: 'Happy Paws' });
    store.workers = [{ id: 'w1' } as never];

    await store.inviteWorker('wim@example.com');
    expect(store.invitations.map((i) => i.id)).toEqual(['i9']);
    expect(net.callsTo(`POST /v1/businesses/${BIZ}/workers`)[0]?.body).toEqual({ email: 'wim@example.com' });
    await store.revokeInvitation('i9');
    await store.removeWorker('w1');
    expect(store.invitations).toEqual([]);
    expect(store.workers).toEqual([]);
  });

  it('lets an admin verify a pending business', async () => {
    const net = mockFetch({
      'GET /v1/businesses?verificationStatus=pending': ok([business()]),
      [`PUT /v1/admin/businesses/${BIZ}/verification`]: ok(business({ verificationStatus: 'verified' })),
    });
    const store = useBusinessStore();
    await store.loadPending();

    await store.setVerification(BIZ, 'verified');

    expect(net.callsTo(`PUT /v1/admin/businesses/${BIZ}/verification`)[0]?.body).toEqual({ status: 'verified' });
    expect(store.pending).toEqual([]);
  });
});
