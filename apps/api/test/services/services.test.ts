import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { services } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { actorsFor, catalogCounts, expectMatrix, headersOf, newWorker, type Actors } from '../businesses/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const walk = (overrides: Record<string, unknown> = {}) => ({
  name: 'Group walk',
  type: 'walking',
  description: 'One hour in the park.',
  price: { amountMinor: 1800, currency: 'eur' },
  priceType: 'per_session',
  additionalPetPriceMinor: 500,
  durationMinutes: 60,
  petTypes: ['dog'],
  maxPets: 3,
  requiredVaccinations: ['rabies'],
  cancellationPolicy: 'flexible',
  ...overrides,
});

const post = (a: Actors, payload: unknown, businessId = a.businessId) =>
  t.app.inject({ method: 'POST', url: `/v1/businesses/${businessId}/services`, headers: t.bearer(a.owner.accessToken), payload: payload as object });

describe('services', () => {
  let verified: Actors;
  let pending: Actors;
  beforeAll(async () => {
    verified = await actorsFor(t, { status: 'verified' });
    pending = await actorsFor(t, { status: 'pending' });
  });

  it('creates a service with its workers, shown in the business too', async () => {
    const res = await post(verified, walk({ workerIds: [verified.worker.workerId] }));
    expect(res.statusCode).toBe(201);
    expect(res.json().data).toEqual({
      id: expect.any(String),
      businessId: verified.businessId,
      name: 'Group walk',
      type: 'walking',
      description: 'One hour in the park.',
      price: { amountMinor: 1800, currency: 'EUR' },
      priceType: 'per_session',
      additionalPetPriceMinor: 500,
      durationMinutes: 60,
      petTypes: ['dog'],
      maxPets: 3,
      requiredVaccinations: ['rabies'],
      cancellationPolicy: 'flexible',
      active: true,
      workerIds: [verified.worker.workerId],
    });
    const business = await t.app.inject({ method: 'GET', url: `/v1/businesses/${verified.businessId}` });
    expect(business.json().data.services.map((s: { id: string }) => s.id)).toEqual([res.json().data.id]);
    const worker = await t.app.inject({ method: 'GET', url: `/v1/workers/${verified.worker.workerId}` });
    expect(worker.json().data.serviceIds).toEqual([res.json().data.id]);
  });

  it.each([
    ['a negative price', { price: { amountMinor: -1, currency: 'EUR' } }, 'body.price.amountMinor'],
    ['a fractional price', { price: { amountMinor: 10.5, currency: 'EUR' } }, 'body.price.amountMinor'],
    ['a currency that is not ISO 4217', { price: { amountMinor: 100, currency: 'euro' } }, 'body.price.currency'],
    ['no pet types', { petTypes: [] }, 'body.petTypes'],
    ['21 pets', { maxPets: 21 }, 'body.maxPets'],
    ['an unknown type', { type: 'swimming' }, 'body.type'],
    ['an unknown policy', { cancellationPolicy: 'lenient' }, 'body.cancellationPolicy'],
  ])('refuses %s with details and writes nothing', async (_label, overrides, path) => {
    const before = await catalogCounts(t);
    const res = await post(verified, walk(overrides));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await catalogCounts(t)).toEqual(before);
  });

  it('refuses workers that are not active workers of the same business', async () => {
    const removed = await newWorker(t, verified.businessId, verified.owner);
    await t.app.inject({
      method: 'DELETE',
      url: `/v1/businesses/${verified.businessId}/workers/${removed.workerId}`,
      headers: t.bearer(verified.owner.accessToken),
    });
    const before = await catalogCounts(t);
    const res = await post(verified, walk({ workerIds: [verified.worker.workerId, verified.otherWorker.workerId, removed.workerId] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.workerIds.1', 'body.workerIds.2']);
    expect(await catalogCounts(t)).toEqual(before);
  });

  it('list and GET: the public sees active services of public businesses only', async () => {
    const inactive = (await post(verified, walk({ name: 'Night walk', active: false }))).json().data.id;
    const url = `/v1/businesses/${verified.businessId}/services`;
    const publicList = (await t.app.inject({ method: 'GET', url })).json().data.map((s: { id: string }) => s.id);
    expect(publicList).not.toContain(inactive);
    const ownerList = (await t.app.inject({ method: 'GET', url, headers: t.bearer(verified.owner.accessToken) })).json().data.map((s: { id: string }) => s.id);
    expect(ownerList).toContain(inactive);
    await expectMatrix(t, verified, { owner: 200, otherBusiness: 404, worker: 404, otherWorker: 404, petOwner: 404, admin: 200, anonymous: 404 }, () => ({
      method: 'GET',
      url: `/v1/services/${inactive}`,
    }));
    const hidden = (await post(pending, walk())).json().data.id;
    await expectMatrix(t, pending, { owner: 200, otherBusiness: 404, worker: 404, otherWorker: 404, petOwner: 404, admin: 200, anonymous: 404 }, () => ({
      method: 'GET',
      url: `/v1/services/${hidden}`,
    }));
    await expectMatrix(t, pending, { owner: 200, otherBusiness: 404, worker: 404, otherWorker: 404, petOwner: 404, admin: 200, anonymous: 404 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${pending.businessId}/services`,
    }));
    // Paginated.
    const first = await t.app.inject({ method: 'GET', url: `${url}?limit=1`, headers: t.bearer(verified.owner.accessToken) });
    expect(first.json().data).toHaveLength(1);
    const second = await t.app.inject({
      method: 'GET',
      url: `${url}?limit=1&cursor=${first.json().meta.nextCursor}`,
      headers: t.bearer(verified.owner.accessToken),
    });
    expect(second.json().data[0].id).not.toBe(first.json().data[0].id);
  });

  it('POST, PUT and DELETE: the owner only (403 for those who see it, 404 for those who do not)', async () => {
    for (const [a, hidden] of [
      [verified, 403],
      [pending, 404],
    ] as const) {
      await expectMatrix(
        t,
        a,
        { owner: 201, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        () => ({
          method: 'POST',
          url: `/v1/businesses/${a.businessId}/services`,
          payload: walk(),
        }),
      );
      const id = (await post(a, walk())).json().data.id;
      await expectMatrix(
        t,
        a,
        { owner: 200, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        () => ({
          method: 'PUT',
          url: `/v1/services/${id}`,
          payload: { price: { amountMinor: 2000, currency: 'EUR' }, workerIds: [a.worker.workerId] },
        }),
      );
      const updated = (await t.app.inject({ method: 'GET', url: `/v1/services/${id}`, headers: headersOf(t, a, 'owner') })).json().data;
      expect(updated).toMatchObject({ price: { amountMinor: 2000, currency: 'EUR' }, workerIds: [a.worker.workerId], name: 'Group walk' });
      await expectMatrix(
        t,
        a,
        { owner: 200, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        () => ({
          method: 'DELETE',
          url: `/v1/services/${id}`,
        }),
      );
      expect((await t.app.inject({ method: 'GET', url: `/v1/services/${id}`, headers: headersOf(t, a, 'owner') })).statusCode).toBe(404);
      const [row] = await t.db.select().from(services).where(eq(services.id, id));
      expect(row!.deletedAt).not.toBeNull();
    }
  });
});
