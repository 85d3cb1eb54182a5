import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, users, workerInvitations, workers } from '@walkydoggy/shared/db';
import { hashToken } from '../../src/platform/tokens.js';
import { createTestApp, refreshCookieOf, STRONG_PASSWORD, type TestApp } from '../support/app.js';
import { actorsFor, catalogCounts, expectMatrix, newBusiness, newWorker, type Actors } from '../businesses/fixtures.js';

let t: TestApp;
let owner: Awaited<ReturnType<TestApp['newUser']>>;
let businessId: string;
beforeAll(async () => {
  t = await createTestApp();
  owner = await t.newUser({ role: 'business', firstName: 'Olga', lastName: 'Owner' });
  businessId = await newBusiness(t, owner, { body: { name: 'Paws & Co' } });
});
afterAll(() => t.close());

const invite = (email: string, token = owner.accessToken, id = businessId) =>
  t.app.inject({ method: 'POST', url: `/v1/businesses/${id}/workers`, headers: t.bearer(token), payload: { email } });
const accept = (payload: Record<string, unknown>, token?: string) =>
  t.app.inject({ method: 'POST', url: '/v1/worker-invitations/accept', headers: token ? t.bearer(token) : {}, payload });
const newAccount = { firstName: 'Nina', lastName: 'New', password: STRONG_PASSWORD };

describe('inviting', () => {
  it('mails a 7-day link whose token is stored only as a hash', async () => {
    const res = await invite('nina@example.com');
    expect(res.statusCode).toBe(201);
    const data = res.json().data;
    expect(data).toEqual({ invitationId: expect.any(String), email: 'nina@example.com', expiresAt: expect.any(String) });
    expect(new Date(data.expiresAt).getTime() - t.clock.now().getTime()).toBe(7 * 24 * 3600 * 1000);
    const { url, token } = await t.linkFor('nina@example.com', '/invitations/worker');
    expect(url.origin + url.pathname).toBe('http://walkydoggy.test/invitations/worker');
    const mail = t.outbox.find((m) => m.to === 'nina@example.com')!;
    expect(mail.subject).toContain('Paws & Co');
    expect(mail.text).toContain('Olga Owner');
    const [row] = await t.db.select().from(workerInvitations).where(eq(workerInvitations.id, data.invitationId));
    expect(row!.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const info = await t.app.inject({ method: 'GET', url: `/v1/worker-invitations/${token}` });
    expect(info.json().data).toEqual({ businessName: 'Paws & Co', email: 'nina@example.com', accountExists: false, expiresAt: data.expiresAt });
  });

  it('a new invitation to the same address replaces the open one', async () => {
    await invite('twice@example.com');
    const first = (await t.linkFor('twice@example.com', '/invitations/worker')).token;
    await invite('twice@example.com');
    const second = (await t.linkFor('twice@example.com', '/invitations/worker')).token;
    expect(second).not.toBe(first);
    expect((await t.app.inject({ method: 'GET', url: `/v1/worker-invitations/${first}` })).json().error.code).toBe('TOKEN_INVALID');
    expect((await t.app.inject({ method: 'GET', url: `/v1/worker-invitations/${second}` })).statusCode).toBe(200);
  });
});

describe('accepting', () => {
  it('creates a verified worker account and signs it in when the address has none', async () => {
    await invite('fresh@example.com');
    const { token } = await t.linkFor('fresh@example.com', '/invitations/worker');
    const res = await accept({ token, ...newAccount });
    expect(res.statusCode).toBe(200);
    const session = res.json().data;
    expect(session.user).toMatchObject({ email: 'fresh@example.com', role: 'worker', emailVerified: true, firstName: 'Nina' });
    expect(refreshCookieOf(res)).toBeTruthy();
    const me = await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: t.bearer(session.accessToken) });
    expect(me.json().data.role).toBe('worker');
    const [worker] = await t.db.select().from(workers).where(eq(workers.userId, session.user.id));
    expect(worker).toMatchObject({ businessId, status: 'active' });
    // The password works for signing in later.
    await t.login('fresh@example.com', STRONG_PASSWORD);
    const list = await t.app.inject({ method: 'GET', url: `/v1/businesses/${businessId}/workers`, headers: t.bearer(owner.accessToken) });
    expect(list.json().data.map((w: { id: string }) => w.id)).toContain(worker!.id);
  });

  it('without an account, needs names and a strong password; refuses with details and writes nothing', async () => {
    await invite('weak@example.com');
    const { token } = await t.linkFor('weak@example.com', '/invitations/worker');
    const before = await catalogCounts(t);
    const res = await accept({ token, firstName: 'W', password: 'password123' });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['body.lastName', 'body.password']);
    expect(await catalogCounts(t)).toEqual(before);
    expect((await accept({ token, ...newAccount })).statusCode).toBe(200);
  });

  it('lets an existing pet owner join when signed in as that account; their old tokens end', async () => {
    const petOwner = await t.newUser({ role: 'pet_owner', email: 'pat@example.com' });
    const stranger = await t.newUser({ role: 'pet_owner' });
    await invite('PAT@example.com');
    const { token } = await t.linkFor('PAT@example.com', '/invitations/worker');
    const info = await t.app.inject({ method: 'GET', url: `/v1/worker-invitations/${token}` });
    expect(info.json().data.accountExists).toBe(true);

    const before = await catalogCounts(t);
    expect((await accept({ token })).statusCode).toBe(401);
    expect((await accept({ token }, stranger.accessToken)).statusCode).toBe(403);
    expect(await catalogCounts(t)).toEqual(before);

    const res = await accept({ token }, petOwner.accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.user).toMatchObject({ id: petOwner.id, role: 'worker' });
    expect((await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: t.bearer(petOwner.accessToken) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: t.bearer(res.json().data.accessToken) })).statusCode).toBe(200);
    const joins = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'worker.join'), eq(auditLog.actorId, petOwner.id)));
    expect(joins).toHaveLength(1);
  });

  it.each(['business', 'admin', 'support'] as const)('refuses a %s account with 409, writing nothing', async (role) => {
    const account = await t.newUser({ role });
    await invite(account.email);
    const { token } = await t.linkFor(account.email, '/invitations/worker');
    const before = await catalogCounts(t);
    const res = await accept({ token }, account.accessToken);
    expect(res.statusCode).toBe(409);
    expect(await catalogCounts(t)).toEqual(before);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, account.id) }))!.role).toBe(role);
  });

  it('refuses a worker who already works for another business', async () => {
    const otherOwner = await t.newUser({ role: 'business' });
    const other = await newBusiness(t, otherOwner);
    const worker = await newWorker(t, other, otherOwner);
    await invite(worker.email);
    const { token } = await t.linkFor(worker.email, '/invitations/worker');
    expect((await accept({ token }, worker.accessToken)).statusCode).toBe(409);
  });

  it('refuses an expired, a revoked and a used link', async () => {
    await invite('late@example.com');
    const late = (await t.linkFor('late@example.com', '/invitations/worker')).token;
    await invite('revoked@example.com');
    const revoked = (await t.linkFor('revoked@example.com', '/invitations/worker')).token;
    await invite('reused@example.com');
    const reused = (await t.linkFor('reused@example.com', '/invitations/worker')).token;

    const [pending] = (await t.app.inject({ method: 'GET', url: `/v1/businesses/${businessId}/worker-invitations`, headers: t.bearer(owner.accessToken) }))
      .json()
      .data.filter((i: { email: string }) => i.email === 'revoked@example.com');
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/v1/businesses/${businessId}/worker-invitations/${pending.id}`,
      headers: t.bearer(owner.accessToken),
    });
    expect(revoke.statusCode).toBe(200);
    expect((await accept({ token: reused, ...newAccount })).statusCode).toBe(200);
    const reuse = await accept({ token: reused, ...newAccount });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error).toMatchObject({ code: 'TOKEN_INVALID', message: expect.stringContaining('already accepted') });

    t.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    try {
      const before = await catalogCounts(t);
      for (const [token, code] of [
        [late, 'TOKEN_EXPIRED'],
        [revoked, 'TOKEN_INVALID'],
        [reused, 'TOKEN_INVALID'],
        ['x'.repeat(43), 'TOKEN_INVALID'],
      ] as const) {
        const res = await accept({ token, ...newAccount });
        expect(res.statusCode, code).toBe(400);
        expect(res.json().error.code).toBe(code);
        expect((await t.app.inject({ method: 'GET', url: `/v1/worker-invitations/${token}` })).json().error.code).toBe(code);
      }
      expect(await catalogCounts(t)).toEqual(before);
    } finally {
      t.clock.advance(-(7 * 24 * 3600 * 1000 + 1000));
    }
  });
});

describe('invitation permissions', () => {
  let a: Actors;
  beforeAll(async () => {
    a = await actorsFor(t, { status: 'verified' });
  });

  it('POST /businesses/:id/workers: the owner only', async () => {
    await expectMatrix(t, a, { owner: 201, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 403, anonymous: 401 }, () => ({
      method: 'POST',
      url: `/v1/businesses/${a.businessId}/workers`,
      payload: { email: 'candidate@example.com' },
    }));
    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/businesses/${a.businessId}/workers`,
      headers: t.bearer(a.owner.accessToken),
      payload: { email: a.worker.email },
    });
    expect(again.statusCode).toBe(409);
  });

  it('GET and DELETE worker invitations: the owner only', async () => {
    await expectMatrix(t, a, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 403, anonymous: 401 }, () => ({
      method: 'GET',
      url: `/v1/businesses/${a.businessId}/worker-invitations`,
    }));
    const list = await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}/worker-invitations`, headers: t.bearer(a.owner.accessToken) });
    const id = list.json().data.find((i: { email: string }) => i.email === 'candidate@example.com').id;
    await expectMatrix(t, a, { owner: 200, otherBusiness: 403, worker: 403, otherWorker: 403, petOwner: 403, admin: 403, anonymous: 401 }, () => ({
      method: 'DELETE',
      url: `/v1/businesses/${a.businessId}/worker-invitations/${id}`,
    }));
    // Someone else's invitation id through one's own business: not found.
    const other = await t.app.inject({
      method: 'DELETE',
      url: `/v1/businesses/${a.otherBusinessId}/worker-invitations/${id}`,
      headers: t.bearer(a.otherOwner.accessToken),
    });
    expect(other.statusCode).toBe(404);
  });
});
