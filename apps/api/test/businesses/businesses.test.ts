import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, businesses } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { actorsFor, businessBody, catalogCounts, expectMatrix, headersOf, newBusiness, newMedia, square, type Actors } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const create = (token: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/v1/businesses', headers: t.bearer(token), payload: payload as object });

describe('POST /v1/businesses', () => {
  it('creates a pending business with every field of the contract, readable back as sent', async () => {
    const owner = await t.newUser({ role: 'business' });
    const logo = await newMedia(t, owner.id, 'business_logo');
    const cover = await newMedia(t, owner.id, 'business_cover');
    const res = await create(owner.accessToken, businessBody({ logoMediaId: logo, coverMediaId: cover }));
    expect(res.statusCode).toBe(201);
    const b = res.json().data;
    expect(b).toMatchObject({
      ownerId: owner.id,
      name: 'Happy Paws Berlin',
      type: 'company',
      contact: { email: 'hello@happypaws.example', phone: '+49 30 1234567', website: 'https://happypaws.example' },
      address: { street: 'Invalidenstraße 1', city: 'Berlin', region: 'Berlin', postalCode: '10115', country: 'DE' },
      location: { lat: 52.53, lng: 13.38 },
      timeZone: 'Europe/Berlin',
      serviceArea: square(13.38, 52.53),
      operatingHours: [
        { day: 1, open: '08:00', close: '18:00' },
        { day: 2, open: '08:00', close: '18:00' },
      ],
      closedDates: ['2025-12-25'],
      documents: [],
      photos: [],
      services: [],
      verificationStatus: 'pending',
      active: true,
      rating: null,
      reviewCount: 0,
    });
    expect(b.logo).toEqual({
      id: logo,
      purpose: 'business_logo',
      kind: 'image',
      mimeType: 'image/webp',
      sizeBytes: 1234,
      width: 800,
      height: 600,
      url: `/v1/media/${logo}/file`,
      thumbnailUrl: `/v1/media/${logo}/thumbnail`,
      createdAt: expect.any(String),
    });
    expect(b.cover.id).toBe(cover);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'business.create'), eq(auditLog.targetId, b.id)));
    expect(audits).toHaveLength(1);
    // Stored as geography, not as text.
    const [types] = rowsOf<{ loc: string; area: string }>(
      await t.db.execute(
        sql`select ST_GeometryType(location::geometry) as loc, ST_GeometryType(service_area::geometry) as area from businesses where id = ${b.id}`,
      ),
    );
    expect(types).toEqual({ loc: 'ST_Point', area: 'ST_MultiPolygon' });
  });

  it('accepts a MultiPolygon area and no area at all', async () => {
    const owner = await t.newUser({ role: 'business' });
    const multi = { type: 'MultiPolygon', coordinates: [square(13.3, 52.5).coordinates, square(13.6, 52.5).coordinates] };
    const res = await create(owner.accessToken, businessBody({ serviceArea: multi }));
    expect(res.statusCode).toBe(201);
    expect(res.json().data.serviceArea).toEqual(multi);
    const none = await create(owner.accessToken, businessBody({ serviceArea: null }));
    expect(none.json().data.serviceArea).toBeNull();
  });

  it('is for verified business accounts only', async () => {
    const unverified = await t.newUser({ role: 'business', verified: false });
    const res = await create(unverified.accessToken, businessBody());
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('EMAIL_NOT_VERIFIED');
    for (const role of ['pet_owner', 'worker', 'admin', 'support'] as const) {
      const user = await t.newUser({ role });
      expect((await create(user.accessToken, businessBody())).statusCode, role).toBe(403);
    }
    expect((await t.app.inject({ method: 'POST', url: '/v1/businesses', payload: businessBody() })).statusCode).toBe(401);
  });

  describe('service area validation', () => {
    const bowTie = {
      type: 'Polygon',
      coordinates: [
        [
          [13.0, 52.0],
          [13.1, 52.1],
          [13.1, 52.0],
          [13.0, 52.1],
          [13.0, 52.0],
        ],
      ],
    };
    const openRing = {
      type: 'Polygon',
      coordinates: [
        [
          [13.0, 52.0],
          [13.1, 52.0],
          [13.1, 52.1],
          [13.0, 52.1],
        ],
      ],
    };
    const circle = (n: number) => {
      const ring = Array.from({ length: n }, (_, i) => [13 + 0.1 * Math.cos((2 * Math.PI * i) / n), 52 + 0.1 * Math.sin((2 * Math.PI * i) / n)]);
      return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
    };
    const lat95 = square(13, 94.96);

    it.each([
      ['an open ring', openRing, 'body.serviceArea.coordinates.0', 'closed'],
      ['a self-intersecting bow-tie', bowTie, 'body.serviceArea', 'Self-intersection'],
      ['more than 1,000 vertices', circle(1000), 'body.serviceArea.coordinates', 'at most 1000 vertices'],
      ['latitude 95', lat95, 'body.serviceArea.coordinates.0.2.1', 'Latitude'],
      ['a point instead of an area', { type: 'Point', coordinates: [13, 52] }, 'body.serviceArea.type', ''],
    ])('refuses %s with details and writes nothing', async (_label, area, path, message) => {
      const owner = await t.newUser({ role: 'business' });
      const before = await catalogCounts(t);
      const res = await create(owner.accessToken, businessBody({ serviceArea: area }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
      expect(res.json().error.details).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }));
      expect(await catalogCounts(t)).toEqual(before);
    });

    it('accepts exactly 1,000 vertices', async () => {
      const owner = await t.newUser({ role: 'business' });
      expect((await create(owner.accessToken, businessBody({ serviceArea: circle(999) }))).statusCode).toBe(201);
    });

    it('refuses a bow-tie on update too, leaving the stored area as it was', async () => {
      const owner = await t.newUser({ role: 'business' });
      const id = await newBusiness(t, owner);
      const res = await t.app.inject({ method: 'PUT', url: `/v1/businesses/${id}`, headers: t.bearer(owner.accessToken), payload: { serviceArea: bowTie } });
      expect(res.statusCode).toBe(400);
      const get = await t.app.inject({ method: 'GET', url: `/v1/businesses/${id}`, headers: t.bearer(owner.accessToken) });
      expect(get.json().data.serviceArea).toEqual(square(13.38, 52.53));
    });

    it('stores an area crossing the antimeridian as the small area around it, and reads it back', async () => {
      const owner = await t.newUser({ role: 'business' });
      const fiji = {
        type: 'Polygon',
        coordinates: [
          [
            [179.5, -17],
            [-179.5, -17],
            [-179.5, -16],
            [179.5, -16],
            [179.5, -17],
          ],
        ],
      };
      const res = await create(owner.accessToken, businessBody({ location: { lat: -16.5, lng: 179.9 }, timeZone: 'Pacific/Fiji', serviceArea: fiji }));
      expect(res.statusCode).toBe(201);
      expect(res.json().data.serviceArea).toEqual(fiji);
      expect(res.json().data.location).toEqual({ lat: -16.5, lng: 179.9 });
      // Geography takes the short way round: 180° is inside, the prime meridian is not.
      const [covers] = rowsOf<{ dateline: boolean; greenwich: boolean }>(
        await t.db.execute(sql`select
          ST_Covers(service_area, ST_SetSRID(ST_MakePoint(180, -16.5), 4326)::geography) as dateline,
          ST_Covers(service_area, ST_SetSRID(ST_MakePoint(0, -16.5), 4326)::geography) as greenwich
          from businesses where id = ${res.json().data.id}`),
      );
      expect(covers).toEqual({ dateline: true, greenwich: false });
    });
  });

  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'body.timeZone'],
    ['hours closing before they open', { operatingHours: [{ day: 1, open: '18:00', close: '08:00' }] }, 'body.operatingHours.0.close'],
    ['hours like 25:00', { operatingHours: [{ day: 1, open: '08:00', close: '25:00' }] }, 'body.operatingHours.0.close'],
    ['day 7', { operatingHours: [{ day: 7, open: '08:00', close: '18:00' }] }, 'body.operatingHours.0.day'],
    ['a closed date that does not exist', { closedDates: ['2025-02-30'] }, 'body.closedDates.0'],
    ['latitude 95', { location: { lat: 95, lng: 13 } }, 'body.location.lat'],
    ['no name', { name: ' ' }, 'body.name'],
    ['a bad website', { contact: { website: 'javascript:alert(1)' } }, 'body.contact.website'],
  ])('refuses %s with details and writes nothing', async (_label, overrides, path) => {
    const owner = await t.newUser({ role: 'business' });
    const before = await catalogCounts(t);
    const res = await create(owner.accessToken, businessBody(overrides));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await catalogCounts(t)).toEqual(before);
  });

  it("refuses media that are not the caller's uploads for that purpose", async () => {
    const owner = await t.newUser({ role: 'business' });
    const stranger = await t.newUser({ role: 'business' });
    const strangersLogo = await newMedia(t, stranger.id, 'business_logo');
    const ownPetPhoto = await newMedia(t, owner.id, 'pet_photo');
    const before = await catalogCounts(t);
    for (const [field, mediaId] of [
      ['logoMediaId', strangersLogo],
      ['logoMediaId', ownPetPhoto],
      ['coverMediaId', '00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const res = await create(owner.accessToken, businessBody({ [field]: mediaId }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual([expect.objectContaining({ path: `body.${field}` })]);
    }
    expect(await catalogCounts(t)).toEqual(before);
  });
});

describe('permissions', () => {
  let verified: Actors;
  let pending: Actors;
  beforeAll(async () => {
    verified = await actorsFor(t, { status: 'verified' });
    pending = await actorsFor(t, { status: 'pending' });
  });

  it('GET a verified business: everyone; documents only for the owner and admins', async () => {
    await expectMatrix(t, verified, { owner: 200, otherBusiness: 200, worker: 200, otherWorker: 200, petOwner: 200, admin: 200, anonymous: 200 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${verified.businessId}`,
    }));
    for (const [who, hasDocuments] of [
      ['owner', true],
      ['admin', true],
      ['petOwner', false],
      ['anonymous', false],
      ['worker', false],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/businesses/${verified.businessId}`, headers: headersOf(t, verified, who) });
      expect('documents' in res.json().data, who).toBe(hasDocuments);
    }
  });

  it('GET a pending business: only the owner and admins; the rest get 404', async () => {
    await expectMatrix(t, pending, { owner: 200, otherBusiness: 404, worker: 404, otherWorker: 404, petOwner: 404, admin: 200, anonymous: 404 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${pending.businessId}`,
    }));
  });

  it('a suspended or inactive business is hidden again', async () => {
    await t.db.update(businesses).set({ verificationStatus: 'suspended' }).where(eq(businesses.id, verified.otherBusinessId));
    const url = `/v1/businesses/${verified.otherBusinessId}`;
    expect((await t.app.inject({ method: 'GET', url, headers: headersOf(t, verified, 'petOwner') })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url, headers: headersOf(t, verified, 'otherBusiness') })).statusCode).toBe(200);
    await t.db.update(businesses).set({ verificationStatus: 'verified', active: false }).where(eq(businesses.id, verified.otherBusinessId));
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    await t.db.update(businesses).set({ active: true }).where(eq(businesses.id, verified.otherBusinessId));
  });

  it('PUT: the owner; 403 for those who can see it, 404 for those who cannot', async () => {
    for (const [a, hidden] of [
      [verified, 403],
      [pending, 404],
    ] as const)
      await expectMatrix(
        t,
        a,
        { owner: 200, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        () => ({
          method: 'PUT',
          url: `/v1/businesses/${a.businessId}`,
          payload: { description: 'Updated' },
        }),
      );
    const get = await t.app.inject({ method: 'GET', url: `/v1/businesses/${pending.businessId}`, headers: headersOf(t, pending, 'owner') });
    expect(get.json().data.description).toBe('Updated');
  });

  it('documents and photos: the owner only', async () => {
    for (const [a, hidden] of [
      [verified, 403],
      [pending, 404],
    ] as const) {
      const docBody = { kind: 'insurance', title: 'Liability', issuer: 'Allianz', policyNumber: 'P-1', expiresOn: '2020-01-01' };
      await expectMatrix(
        t,
        a,
        { owner: 201, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        () => ({
          method: 'POST',
          url: `/v1/businesses/${a.businessId}/documents`,
          payload: docBody,
        }),
      );
      const [doc] = (await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}`, headers: headersOf(t, a, 'owner') })).json().data.documents;
      expect(doc).toMatchObject({ kind: 'insurance', title: 'Liability', expiresOn: '2020-01-01', expired: true, media: null });
      await expectMatrix(
        t,
        a,
        { owner: 200, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        (who) => ({
          method: 'DELETE',
          url: `/v1/businesses/${a.businessId}/documents/${doc.id}`,
          ...(who === 'owner' ? {} : {}),
        }),
      );
      // Each caller posts a photo they uploaded themselves, so only the permission differs.
      const photos: Record<string, string> = {};
      await expectMatrix(
        t,
        a,
        { owner: 201, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        async (who) => {
          const uploader = {
            owner: a.owner.id,
            otherBusiness: a.otherOwner.id,
            worker: a.worker.id,
            otherWorker: a.otherWorker.id,
            petOwner: a.petOwner.id,
            admin: a.admin.id,
            anonymous: a.owner.id,
          }[who];
          photos[who] = await newMedia(t, uploader, 'business_photo');
          return { method: 'POST', url: `/v1/businesses/${a.businessId}/photos`, payload: { mediaId: photos[who] } };
        },
      );
      const shown = (await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}`, headers: headersOf(t, a, 'owner') })).json().data.photos;
      expect(shown.map((m: { id: string }) => m.id)).toEqual([photos.owner]);
      await expectMatrix(
        t,
        a,
        { owner: 200, otherBusiness: hidden, worker: hidden, otherWorker: hidden, petOwner: hidden, admin: 403, anonymous: 401 },
        () => ({
          method: 'DELETE',
          url: `/v1/businesses/${a.businessId}/photos/${photos.owner}`,
        }),
      );
    }
  });

  it('PUT /v1/admin/businesses/:id/verification: admins only, audited', async () => {
    await expectMatrix(t, pending, { owner: 403, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 200, anonymous: 401 }, () => ({
      method: 'PUT',
      url: `/v1/admin/businesses/${pending.businessId}/verification`,
      payload: { status: 'verified', note: 'Documents checked' },
    }));
    expect((await t.app.inject({ method: 'GET', url: `/v1/businesses/${pending.businessId}` })).statusCode).toBe(200);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'business.verification'), eq(auditLog.targetId, pending.businessId)));
    expect(entry).toMatchObject({ actorId: pending.admin.id, details: { from: 'pending', to: 'verified', note: 'Documents checked' } });
    const missing = await t.app.inject({
      method: 'PUT',
      url: '/v1/admin/businesses/00000000-0000-4000-8000-000000000000/verification',
      headers: headersOf(t, pending, 'admin'),
      payload: { status: 'verified' },
    });
    expect(missing.statusCode).toBe(404);
    await t.app.inject({
      method: 'PUT',
      url: `/v1/admin/businesses/${pending.businessId}/verification`,
      headers: headersOf(t, pending, 'admin'),
      payload: { status: 'pending' },
    });
  });

  it('GET /v1/businesses: own for a business, all for admins (filterable), paginated', async () => {
    await newBusiness(t, pending.owner, { body: { name: 'Second branch' } });
    const own = await t.app.inject({ method: 'GET', url: '/v1/businesses?limit=1', headers: headersOf(t, pending, 'owner') });
    expect(own.statusCode).toBe(200);
    expect(own.json().data).toHaveLength(1);
    expect(own.json().data[0].name).toBe('Second branch');
    const next = await t.app.inject({
      method: 'GET',
      url: `/v1/businesses?limit=1&cursor=${own.json().meta.nextCursor}`,
      headers: headersOf(t, pending, 'owner'),
    });
    expect(next.json().data.map((b: { id: string }) => b.id)).toEqual([pending.businessId]);
    expect(next.json().meta).toEqual({ limit: 1, nextCursor: null });
    const all = await t.app.inject({ method: 'GET', url: '/v1/businesses?verificationStatus=pending&limit=100', headers: headersOf(t, pending, 'admin') });
    const ids = all.json().data.map((b: { id: string; verificationStatus: string }) => b.verificationStatus);
    expect(new Set(ids)).toEqual(new Set(['pending']));
    expect(all.json().data.map((b: { id: string }) => b.id)).toContain(pending.businessId);
    await expectMatrix(t, pending, { owner: 200, otherBusiness: 200, worker: 403, otherWorker: 403, petOwner: 403, admin: 200, anonymous: 401 }, () => ({
      method: 'GET',
      url: '/v1/businesses',
    }));
    const bad = await t.app.inject({ method: 'GET', url: '/v1/businesses?cursor=bogus', headers: headersOf(t, pending, 'owner') });
    expect(bad.statusCode).toBe(400);
  });

  it('DELETE: the owner; afterwards the business is gone for everyone and its workers lose access', async () => {
    const a = await actorsFor(t, { status: 'verified' });
    await expectMatrix(t, a, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 403, anonymous: 401 }, () => ({
      method: 'DELETE',
      url: `/v1/businesses/${a.businessId}`,
    }));
    for (const who of ['owner', 'admin', 'anonymous'] as const)
      expect((await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}`, headers: headersOf(t, a, who) })).statusCode).toBe(404);
    const me = await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: headersOf(t, a, 'worker') });
    expect(me.statusCode).toBe(401);
    const [row] = await t.db.select().from(businesses).where(eq(businesses.id, a.businessId));
    expect(row!.deletedAt).not.toBeNull();
  });
});
