import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, workers } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { actorsFor, catalogCounts, expectMatrix, headersOf, newMedia, newWorker, type Actors } from '../businesses/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const availability = {
  weeklyAvailability: [
    { day: 1, start: '09:00', end: '12:00' },
    { day: 1, start: '13:00', end: '17:00' },
  ],
  timeOff: [{ startsAt: '2030-07-01T00:00:00Z', endsAt: '2030-07-14T00:00:00Z', reason: 'Holiday' }],
};

describe('worker profiles', () => {
  let verified: Actors;
  let pending: Actors;
  beforeAll(async () => {
    verified = await actorsFor(t, { status: 'verified' });
    pending = await actorsFor(t, { status: 'pending' });
  });

  it('GET /workers/me: a worker finds their own record; others have none', async () => {
    const own = await t.app.inject({ url: '/v1/workers/me', headers: t.bearer(verified.worker.accessToken) });
    expect(own.statusCode).toBe(200);
    expect(own.json().data).toMatchObject({ id: verified.worker.workerId, businessId: verified.businessId, status: 'active' });
    const other = await t.app.inject({ url: '/v1/workers/me', headers: t.bearer(verified.otherWorker.accessToken) });
    expect(other.json().data.id).not.toBe(verified.worker.workerId);
    expect((await t.app.inject({ url: '/v1/workers/me', headers: t.bearer(verified.petOwner.accessToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/workers/me' })).statusCode).toBe(401);
  });

  it('GET /workers/me: a worker of a business that is not public yet still reads its name', async () => {
    const own = await t.app.inject({ url: '/v1/workers/me', headers: t.bearer(pending.worker.accessToken) });
    expect(own.statusCode).toBe(200);
    const business = await t.app.inject({ url: `/v1/businesses/${pending.businessId}`, headers: t.bearer(pending.owner.accessToken) });
    expect(business.statusCode).toBe(200);
    expect(own.json().data.businessName).toBe(business.json().data.name);
    // The public page of that business does not exist yet for its worker: the name came with the worker record.
    expect((await t.app.inject({ url: `/v1/businesses/${pending.businessId}`, headers: t.bearer(pending.worker.accessToken) })).statusCode).toBe(404);
  });

  it('GET /workers/:id: public fields when the business is public; time off for self, owner and admins', async () => {
    const url = `/v1/workers/${verified.worker.workerId}`;
    await t.app.inject({ method: 'PUT', url: `${url}/availability`, headers: t.bearer(verified.worker.accessToken), payload: availability });
    await expectMatrix(t, verified, { owner: 200, otherBusiness: 200, worker: 200, otherWorker: 200, petOwner: 200, admin: 200, anonymous: 200 }, () => ({
      method: 'GET',
      url,
    }));
    for (const [who, seesTimeOff] of [
      ['owner', true],
      ['worker', true],
      ['admin', true],
      ['otherBusiness', false],
      ['petOwner', false],
      ['anonymous', false],
    ] as const) {
      const data = (await t.app.inject({ method: 'GET', url, headers: headersOf(t, verified, who) })).json().data;
      expect(data.weeklyAvailability).toEqual(availability.weeklyAvailability);
      expect('timeOff' in data, who).toBe(seesTimeOff);
    }
  });

  it('GET /workers/:id of a pending business: self, owner and admins only', async () => {
    await expectMatrix(t, pending, { owner: 200, otherBusiness: 404, worker: 200, otherWorker: 404, petOwner: 404, admin: 200, anonymous: 404 }, () => ({
      method: 'GET',
      url: `/v1/workers/${pending.worker.workerId}`,
    }));
    await expectMatrix(t, pending, { owner: 200, otherBusiness: 404, worker: 404, otherWorker: 404, petOwner: 404, admin: 200, anonymous: 404 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${pending.businessId}/workers`,
    }));
  });

  it('PUT /workers/:id and /availability: the worker and the business owner', async () => {
    for (const [a, hidden] of [
      [verified, 403],
      [pending, 404],
    ] as const) {
      for (const [suffix, payload] of [
        [
          '',
          {
            bio: 'Loves big dogs',
            experienceYears: 4,
            specializations: ['reactive dogs'],
            certifications: [{ name: 'Pet first aid', expiresOn: '2030-01-01' }],
          },
        ],
        ['/availability', availability],
      ] as const) {
        await expectMatrix(t, a, { owner: 200, otherBusiness: hidden, worker: 200, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 }, () => ({
          method: 'PUT',
          url: `/v1/workers/${a.worker.workerId}${suffix}`,
          payload,
        }));
      }
      const data = (await t.app.inject({ method: 'GET', url: `/v1/workers/${a.worker.workerId}`, headers: headersOf(t, a, 'owner') })).json().data;
      expect(data).toMatchObject({
        bio: 'Loves big dogs',
        experienceYears: 4,
        specializations: ['reactive dogs'],
        certifications: [{ name: 'Pet first aid', issuer: null, expiresOn: '2030-01-01' }],
        timeOff: [{ startsAt: '2030-07-01T00:00:00.000Z', endsAt: '2030-07-14T00:00:00.000Z', reason: 'Holiday' }],
      });
    }
  });

  it("sets the worker's photo from their own worker_photo upload only", async () => {
    const mine = await newMedia(t, verified.worker.id, 'worker_photo');
    const theirs = await newMedia(t, verified.petOwner.id, 'worker_photo');
    const url = `/v1/workers/${verified.worker.workerId}`;
    const refused = await t.app.inject({ method: 'PUT', url, headers: t.bearer(verified.worker.accessToken), payload: { photoMediaId: theirs } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0].path).toBe('body.photoMediaId');
    const res = await t.app.inject({ method: 'PUT', url, headers: t.bearer(verified.worker.accessToken), payload: { photoMediaId: mine } });
    expect(res.json().data.photo).toMatchObject({ id: mine, url: `/v1/media/${mine}/file` });
  });

  it.each([
    ['a window ending before it starts', { weeklyAvailability: [{ day: 1, start: '12:00', end: '09:00' }], timeOff: [] }, 'body.weeklyAvailability.0.end'],
    [
      'overlapping windows',
      {
        weeklyAvailability: [
          { day: 2, start: '09:00', end: '12:00' },
          { day: 2, start: '11:00', end: '13:00' },
        ],
        timeOff: [],
      },
      'body.weeklyAvailability.1',
    ],
    [
      'time off ending before it starts',
      { weeklyAvailability: [], timeOff: [{ startsAt: '2030-07-02T00:00:00Z', endsAt: '2030-07-01T00:00:00Z' }] },
      'body.timeOff.0.endsAt',
    ],
    [
      'a time without a zone',
      { weeklyAvailability: [], timeOff: [{ startsAt: '2030-07-01T00:00:00', endsAt: '2030-07-02T00:00:00Z' }] },
      'body.timeOff.0.startsAt',
    ],
  ])('refuses %s with details and writes nothing', async (_label, payload, path) => {
    const before = await catalogCounts(t);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/workers/${verified.worker.workerId}/availability`,
      headers: t.bearer(verified.worker.accessToken),
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await catalogCounts(t)).toEqual(before);
  });
});

describe('removing a worker', () => {
  it('DELETE /businesses/:id/workers/:workerId: the owner only', async () => {
    const a = await actorsFor(t, { status: 'verified' });
    const target = await newWorker(t, a.businessId, a.owner);
    await expectMatrix(t, a, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 403, anonymous: 401 }, () => ({
      method: 'DELETE',
      url: `/v1/businesses/${a.businessId}/workers/${target.workerId}`,
    }));
    // A worker of another business, through one's own business: not found.
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/businesses/${a.businessId}/workers/${a.otherWorker.workerId}`,
      headers: t.bearer(a.owner.accessToken),
    });
    expect(res.statusCode).toBe(404);
  });

  it('ends the worker’s access at once: the old access token is refused, the refresh token too', async () => {
    const a = await actorsFor(t, { status: 'verified' });
    const service = await t.app.inject({
      method: 'POST',
      url: `/v1/businesses/${a.businessId}/services`,
      headers: t.bearer(a.owner.accessToken),
      payload: {
        name: 'Walk',
        type: 'walking',
        price: { amountMinor: 1500, currency: 'EUR' },
        priceType: 'per_session',
        petTypes: ['dog'],
        workerIds: [a.worker.workerId],
      },
    });
    expect(service.json().data.workerIds).toEqual([a.worker.workerId]);
    const meBefore = await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: t.bearer(a.worker.accessToken) });
    expect(meBefore.statusCode).toBe(200);

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/businesses/${a.businessId}/workers/${a.worker.workerId}`,
      headers: t.bearer(a.owner.accessToken),
    });
    expect(res.statusCode).toBe(200);

    const me = await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: t.bearer(a.worker.accessToken) });
    expect(me.statusCode).toBe(401);
    const refreshCookie = a.worker.response.cookies.find((c) => c.name === 'wd_refresh')!.value;
    expect(a.worker.response.cookies.find((c) => c.name === 'wd_session')).toMatchObject({ value: '1', path: '/' });
    const refresh = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: refreshCookie } });
    expect(refresh.statusCode).toBe(401);
    const [row] = await t.db.select().from(workers).where(eq(workers.id, a.worker.workerId));
    expect(row).toMatchObject({ status: 'removed', removedAt: expect.any(Date) });
    const after = await t.app.inject({ method: 'GET', url: `/v1/services/${service.json().data.id}`, headers: t.bearer(a.owner.accessToken) });
    expect(after.json().data.workerIds).toEqual([]);
    const list = await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}/workers` });
    expect(list.json().data).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/v1/workers/${a.worker.workerId}` })).statusCode).toBe(404);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'worker.remove'), eq(auditLog.targetId, a.worker.workerId)));
    expect(audits).toHaveLength(1);
    // Removed, they are free to join another business.
    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/businesses/${a.otherBusinessId}/workers`,
      headers: t.bearer(a.otherOwner.accessToken),
      payload: { email: a.worker.email },
    });
    expect(again.statusCode).toBe(201);
    const { token } = await t.linkFor(a.worker.email, '/invitations/worker');
    const session = await t.login(a.worker.email, 'correct horse battery staple');
    const joined = await t.app.inject({ method: 'POST', url: '/v1/worker-invitations/accept', headers: t.bearer(session.accessToken), payload: { token } });
    expect(joined.statusCode).toBe(200);
  });
});
