import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { businesses, calendarFeeds, users, workers } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { hashToken } from '../../src/platform/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { marketplace, type Marketplace } from '../support/marketplace.js';
import { newBusiness, newWorker } from '../businesses/fixtures.js';
import { parseIcs } from './ics-parse.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
});
afterAll(() => t.close());

type Feed = { kind: string; subjectId: string; url: string };
const URL_PATTERN = /^http:\/\/walkydoggy\.test\/v1\/calendars\/[A-Za-z0-9_-]{43}\.ics$/;

async function feedsOf(token: string): Promise<Feed[]> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/calendars', headers: t.bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}
const fetchFeed = (url: string) => t.app.inject({ method: 'GET', url: new URL(url).pathname });
const regenerate = (token: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/v1/calendars/regenerate', headers: t.bearer(token), payload: payload as object });
const feedRows = async () => rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from calendar_feeds`))[0]!.n;

describe('GET /v1/calendars', () => {
  it('gives a pet owner one feed of their own bookings, the same URL on every call', async () => {
    const first = await feedsOf(m.petOwner.accessToken);
    expect(first).toEqual([{ kind: 'owner', subjectId: m.petOwner.id, url: expect.stringMatching(URL_PATTERN) }]);
    expect(await feedsOf(m.petOwner.accessToken)).toEqual(first);
    // The token is stored only hashed and sealed: a database dump does not hand out the URLs.
    const token = new URL(first[0]!.url).pathname
      .split('/')
      .pop()!
      .replace(/\.ics$/, '');
    const [row] = await t.db.select().from(calendarFeeds).where(eq(calendarFeeds.subjectId, m.petOwner.id));
    expect(row).toMatchObject({ subjectKind: 'owner', tokenHash: hashToken(token), createdBy: m.petOwner.id, revokedAt: null });
    expect(row!.tokenSealed).not.toContain(token);
  });

  it('gives a worker their schedule and a business owner a feed per business they own', async () => {
    expect(await feedsOf(m.worker.accessToken)).toEqual([{ kind: 'worker', subjectId: m.worker.workerId, url: expect.stringMatching(URL_PATTERN) }]);
    const second = await newBusiness(t, m.owner);
    const feeds = await feedsOf(m.owner.accessToken);
    expect(feeds.map((f) => [f.kind, f.subjectId])).toEqual([
      ['business', m.businessId],
      ['business', second],
    ]);
    expect(new Set(feeds.map((f) => f.url)).size).toBe(2);
    expect(await feedsOf(m.admin.accessToken)).toEqual([]);
  });

  it('makes exactly one feed when the first calls arrive together', async () => {
    const owner = await t.newUser();
    const results = await Promise.all(Array.from({ length: 6 }, () => feedsOf(owner.accessToken)));
    expect(new Set(results.map((r) => r[0]!.url)).size).toBe(1);
    const rows = await t.db.select().from(calendarFeeds).where(eq(calendarFeeds.subjectId, owner.id));
    expect(rows).toHaveLength(1);
  });

  it('needs a signed-in caller', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/calendars' });
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /v1/calendars/:token.ics', () => {
  it('serves text/calendar without sign-in', async () => {
    const [feed] = await feedsOf(m.petOwner.accessToken);
    const res = await fetchFeed(feed!.url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(parseIcs(res.body).props).toMatchObject({ METHOD: 'PUBLISH', 'X-WR-CALNAME': 'WalkyDoggy bookings' });
  });

  it.each([
    ['a token that was never issued', `${'A'.repeat(43)}.ics`],
    ['a malformed token', 'short.ics'],
    ['a token with a wrong extension', `${'A'.repeat(43)}.txt`],
  ])('answers %s with 404 in the error envelope', async (_label, file) => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/calendars/${file}` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('stops serving a feed whose maker lost the subject: worker removed, business deleted, account suspended', async () => {
    const worker = await newWorker(t, m.businessId, m.owner);
    const [workerFeed] = await feedsOf(worker.accessToken);
    expect((await fetchFeed(workerFeed!.url)).statusCode).toBe(200);
    await t.db.update(workers).set({ status: 'removed', removedAt: t.clock.now() }).where(eq(workers.id, worker.workerId));
    expect((await fetchFeed(workerFeed!.url)).statusCode).toBe(404);

    const owner = await t.newUser({ role: 'business' });
    const businessId = await newBusiness(t, owner, { status: 'verified' });
    const [businessFeed] = await feedsOf(owner.accessToken);
    expect((await fetchFeed(businessFeed!.url)).statusCode).toBe(200);
    await t.db.update(businesses).set({ deletedAt: t.clock.now() }).where(eq(businesses.id, businessId));
    expect((await fetchFeed(businessFeed!.url)).statusCode).toBe(404);

    const petOwner = await t.newUser();
    const [ownerFeed] = await feedsOf(petOwner.accessToken);
    expect((await fetchFeed(ownerFeed!.url)).statusCode).toBe(200);
    await t.db.update(users).set({ status: 'suspended' }).where(eq(users.id, petOwner.id));
    expect((await fetchFeed(ownerFeed!.url)).statusCode).toBe(404);
  });

  it('limits fetches per feed, not per caller: a busy feed gets 429 while another feed still answers', async () => {
    const busy = await t.newUser();
    const calm = await t.newUser();
    const [busyFeed] = await feedsOf(busy.accessToken);
    const [calmFeed] = await feedsOf(calm.accessToken);
    for (let i = 0; i < 60; i++) expect((await fetchFeed(busyFeed!.url)).statusCode).toBe(200);
    const limited = await fetchFeed(busyFeed!.url);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await fetchFeed(calmFeed!.url)).statusCode).toBe(200);
  });
});

describe('POST /v1/calendars/regenerate', () => {
  it('gives a new URL and the old one is 404 from then on', async () => {
    const [before] = await feedsOf(m.worker.accessToken);
    const res = await regenerate(m.worker.accessToken, { kind: 'worker', subjectId: m.worker.workerId });
    expect(res.statusCode).toBe(200);
    const after = res.json().data as Feed;
    expect(after).toEqual({ kind: 'worker', subjectId: m.worker.workerId, url: expect.stringMatching(URL_PATTERN) });
    expect(after.url).not.toBe(before!.url);
    expect((await fetchFeed(before!.url)).statusCode).toBe(404);
    expect((await fetchFeed(after.url)).statusCode).toBe(200);
    expect(await feedsOf(m.worker.accessToken)).toEqual([after]);
    const active = await t.db
      .select()
      .from(calendarFeeds)
      .where(and(eq(calendarFeeds.subjectId, m.worker.workerId), isNull(calendarFeeds.revokedAt)));
    expect(active).toHaveLength(1);
  });

  it('regenerates a feed that was never listed, and two at once leave one live URL', async () => {
    const owner = await t.newUser();
    const results = await Promise.all([0, 1, 2].map(() => regenerate(owner.accessToken, { kind: 'owner', subjectId: owner.id })));
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const [live] = await feedsOf(owner.accessToken);
    const answered = results.map((r) => r.json().data.url as string);
    expect(answered).toContain(live!.url);
    for (const url of answered.filter((u) => u !== live!.url)) expect((await fetchFeed(url)).statusCode).toBe(404);
  });

  it.each([
    ["another business's feed", (mk: Marketplace) => ({ kind: 'business', subjectId: mk.otherBusinessId }), 'owner'],
    ["another owner's bookings", (mk: Marketplace) => ({ kind: 'owner', subjectId: mk.petOwner.id }), 'owner'],
    ["another worker's schedule", (mk: Marketplace) => ({ kind: 'worker', subjectId: mk.otherWorker.workerId }), 'worker'],
    ["the worker's own business as a business feed", (mk: Marketplace) => ({ kind: 'business', subjectId: mk.businessId }), 'worker'],
    ['a subject under the wrong kind', (mk: Marketplace) => ({ kind: 'worker', subjectId: mk.businessId }), 'owner'],
    ['an admin on any subject', (mk: Marketplace) => ({ kind: 'business', subjectId: mk.businessId }), 'admin'],
  ] as const)('answers 404 for %s and changes nothing', async (_label, body, who) => {
    const caller = { owner: m.owner, worker: m.worker, admin: m.admin }[who];
    const [victim] = await feedsOf(m.petOwner.accessToken);
    await feedsOf(m.owner.accessToken);
    const before = await feedRows();
    const res = await regenerate(caller.accessToken, body(m));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(await feedRows()).toBe(before);
    expect((await fetchFeed(victim!.url)).statusCode).toBe(200);
  });

  it('refuses a bad body with 400 and changes nothing', async () => {
    const before = await feedRows();
    for (const payload of [{ kind: 'pet', subjectId: m.petOwner.id }, { kind: 'owner', subjectId: 'not-a-uuid' }, {}]) {
      const res = await regenerate(m.petOwner.accessToken, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
    }
    expect(await feedRows()).toBe(before);
  });
});
