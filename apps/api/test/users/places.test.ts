import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, userPlaces } from '@walkydoggy/shared/db';
import { MAX_SAVED_PLACES } from '@walkydoggy/shared';
import { createTestApp, rowCounts, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const home = {
  kind: 'home',
  address: { street: '12 Elm Road', city: 'London', postalCode: 'E3 2AA', country: 'United Kingdom' },
  location: { lat: 51.5317, lng: -0.0144 },
};
const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: t.bearer(token), ...(payload ? { payload } : {}) });

describe('saved places /v1/users/me/places', () => {
  it('creates, lists (home first), edits and deletes, auditing each change', async () => {
    const owner = await t.newUser();
    const work = await call(owner.accessToken, 'POST', '/v1/users/me/places', {
      kind: 'work',
      address: { street: ' 1 Canada Square ', city: 'London' },
      location: { lat: 51.505, lng: -0.0195 },
    });
    expect(work.statusCode, work.body).toBe(201);
    expect(work.json().data).toMatchObject({
      kind: 'work',
      label: 'Work',
      address: { street: '1 Canada Square', city: 'London', postalCode: null, country: null },
    });
    const created = await call(owner.accessToken, 'POST', '/v1/users/me/places', home);
    expect(created.statusCode).toBe(201);
    const place = created.json().data;
    expect(place).toMatchObject({ kind: 'home', label: 'Home', location: { lat: 51.5317, lng: -0.0144 } });

    const list = await call(owner.accessToken, 'GET', '/v1/users/me/places');
    expect(list.json().data.map((p: { kind: string }) => p.kind)).toEqual(['home', 'work']);

    const edited = await call(owner.accessToken, 'PATCH', `/v1/users/me/places/${place.id}`, {
      label: 'Our flat',
      address: { ...home.address, street: '14 Elm Road' },
      location: { lat: 51.532, lng: -0.015 },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().data).toMatchObject({ label: 'Our flat', address: { street: '14 Elm Road' }, location: { lat: 51.532, lng: -0.015 } });

    const removed = await call(owner.accessToken, 'DELETE', `/v1/users/me/places/${place.id}`);
    expect(removed.statusCode).toBe(200);
    expect((await call(owner.accessToken, 'GET', '/v1/users/me/places')).json().data).toHaveLength(1);
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.actorId, owner.id))).map((a) => a.action);
    expect(actions.filter((a) => a.startsWith('place.')).sort()).toEqual(['place.create', 'place.create', 'place.delete', 'place.update']);
  });

  it('keeps one home and one work per person, and at most 20 places', async () => {
    const owner = await t.newUser();
    expect((await call(owner.accessToken, 'POST', '/v1/users/me/places', home)).statusCode).toBe(201);
    const second = await call(owner.accessToken, 'POST', '/v1/users/me/places', { ...home, address: { street: '3 Oak Lane', city: 'London' } });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toContain('already have a home');
    // Turning another place into a second home is refused the same way.
    const other = (await call(owner.accessToken, 'POST', '/v1/users/me/places', { ...home, kind: 'other', label: 'Park' })).json().data;
    expect((await call(owner.accessToken, 'PATCH', `/v1/users/me/places/${other.id}`, { kind: 'home' })).statusCode).toBe(409);

    for (let i = 2; i < MAX_SAVED_PLACES; i++)
      expect((await call(owner.accessToken, 'POST', '/v1/users/me/places', { ...home, kind: 'other', label: `Place ${i}` })).statusCode).toBe(201);
    const over = await call(owner.accessToken, 'POST', '/v1/users/me/places', { ...home, kind: 'other' });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toContain(`at most ${MAX_SAVED_PLACES}`);
    expect(await t.db.$count(userPlaces, eq(userPlaces.userId, owner.id))).toBe(MAX_SAVED_PLACES);
  });

  it("answers 404 for someone else's place and never changes it", async () => {
    const owner = await t.newUser();
    const stranger = await t.newUser();
    const place = (await call(owner.accessToken, 'POST', '/v1/users/me/places', home)).json().data;
    expect((await call(stranger.accessToken, 'PATCH', `/v1/users/me/places/${place.id}`, { label: 'Mine now' })).statusCode).toBe(404);
    expect((await call(stranger.accessToken, 'DELETE', `/v1/users/me/places/${place.id}`)).statusCode).toBe(404);
    expect((await call(stranger.accessToken, 'GET', '/v1/users/me/places')).json().data).toEqual([]);
    expect((await call(owner.accessToken, 'GET', '/v1/users/me/places')).json().data[0].label).toBe('Home');
    expect((await t.app.inject({ url: '/v1/users/me/places' })).statusCode).toBe(401);
  });

  it('refuses a bad address, label, point or id with 400 and writes nothing', async () => {
    const owner = await t.newUser();
    const before = await rowCounts(t.app);
    const bad = [
      { ...home, address: { street: '', city: 'London' } },
      { ...home, address: { street: '12 Elm Road' } },
      { ...home, address: { ...home.address, postalCode: 'x'.repeat(21) } },
      { ...home, label: 'x'.repeat(61) },
      { ...home, kind: 'castle' },
      { ...home, location: { lat: 91, lng: 0 } },
      { ...home, location: undefined },
      { ...home, extra: true },
    ];
    for (const payload of bad) {
      const res = await call(owner.accessToken, 'POST', '/v1/users/me/places', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().success).toBe(false);
    }
    expect((await call(owner.accessToken, 'PATCH', '/v1/users/me/places/not-an-id', { label: 'x' })).statusCode).toBe(400);
    const place = (await call(owner.accessToken, 'POST', '/v1/users/me/places', home)).json().data;
    expect((await call(owner.accessToken, 'PATCH', `/v1/users/me/places/${place.id}`, {})).statusCode).toBe(400);
    expect(await rowCounts(t.app)).toMatchObject({ audit_log: before.audit_log + 1 });
    expect(await t.db.$count(userPlaces, eq(userPlaces.userId, owner.id))).toBe(1);
  });

  it('is in the data export, and the erasure job deletes the places', async () => {
    const owner = await t.newUser();
    await call(owner.accessToken, 'POST', '/v1/users/me/places', home);
    const exported = (await call(owner.accessToken, 'GET', '/v1/users/me/export')).json().data;
    expect(exported.savedPlaces).toEqual([expect.objectContaining({ kind: 'home', address: expect.objectContaining({ street: '12 Elm Road' }) })]);
    expect((await call(owner.accessToken, 'DELETE', '/v1/users/me', { password: owner.password })).statusCode).toBe(200);
    await t.drain();
    expect(await t.db.$count(userPlaces, eq(userPlaces.userId, owner.id))).toBe(0);
  });
});
