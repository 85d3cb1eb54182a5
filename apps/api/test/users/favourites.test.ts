import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, world, type Marketplace } from '../bookings/helpers.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

const req = (method: 'GET' | 'PUT' | 'DELETE', url: string, who = m.petOwner) => t.app.inject({ method, url, headers: who ? t.bearer(who.accessToken) : {} });

describe('favourite businesses', () => {
  it('adds, lists and removes a favourite; both are idempotent', async () => {
    expect((await req('GET', '/v1/users/me/favourites')).json().data).toEqual([]);
    for (let i = 0; i < 2; i++) expect((await req('PUT', `/v1/users/me/favourites/${m.businessId}`)).statusCode).toBe(200);
    const listed = (await req('GET', '/v1/users/me/favourites')).json().data;
    expect(listed).toEqual([expect.objectContaining({ id: m.businessId, name: 'Happy Paws Berlin' })]);
    for (let i = 0; i < 2; i++) expect((await req('DELETE', `/v1/users/me/favourites/${m.businessId}`)).statusCode).toBe(200);
    expect((await req('GET', '/v1/users/me/favourites')).json().data).toEqual([]);
  });

  it('refuses unknown businesses (404), bad ids (400), other roles (403) and anonymous callers (401)', async () => {
    expect((await req('PUT', `/v1/users/me/favourites/${crypto.randomUUID()}`)).statusCode).toBe(404);
    expect((await req('PUT', '/v1/users/me/favourites/not-a-uuid')).statusCode).toBe(400);
    expect((await req('PUT', `/v1/users/me/favourites/${m.businessId}`, m.worker as never)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/users/me/favourites' })).statusCode).toBe(401);
    expect((await call(t, m.owner, 'GET', '/v1/users/me/favourites')).statusCode).toBe(403);
  });
});
