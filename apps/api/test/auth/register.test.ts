import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { emailTokens, users } from '@walkydoggy/shared/db';
import { createTestApp, rowCounts, STRONG_PASSWORD, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    routes: (app) =>
      app.post('/v1/test/publish', { preHandler: [app.platform.guard.authenticate, app.platform.guard.requireVerifiedEmail] }, async () => ({ success: true })),
  });
});
afterAll(() => t.close());

const register = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/auth/register', payload });
const base = { password: STRONG_PASSWORD, firstName: 'Ann', lastName: 'Lee', role: 'pet_owner' };

describe('POST /v1/auth/register', () => {
  it('creates an account with an argon2id hash and mails a verification link', async () => {
    const res = await register({ ...base, email: 'ann@example.com', phone: '+44 20 7946 0958' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ success: true, message: expect.stringContaining('Check your e-mail') });
    const user = await t.db.query.users.findFirst({ where: eq(users.email, 'ann@example.com') });
    expect(user).toMatchObject({ role: 'pet_owner', firstName: 'Ann', phone: '+44 20 7946 0958', emailVerifiedAt: null, status: 'active' });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    const { url } = await t.linkFor('ann@example.com', '/verify-email');
    expect(url.origin).toBe('http://walkydoggy.test');
  });

  it('registers business accounts', async () => {
    expect((await register({ ...base, email: 'shop@example.com', role: 'business' })).statusCode).toBe(202);
    expect((await t.db.query.users.findFirst({ where: eq(users.email, 'shop@example.com') }))!.role).toBe('business');
  });

  it('treats e-mail addresses case-insensitively and never reveals that one is taken', async () => {
    await register({ ...base, email: 'casey@example.com' });
    await t.drain();
    const before = await rowCounts(t.app);
    const again = await register({ ...base, email: 'CASEY@Example.COM', firstName: 'Mallory' });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual((await register({ ...base, email: 'someone-new@example.com' })).json());
    const rows = await t.db.select().from(users).where(eq(users.email, 'casey@example.com'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.firstName).toBe('Ann');
    await t.drain();
    expect(t.outbox.filter((m) => m.to === 'casey@example.com').map((m) => m.subject)).toEqual([
      'Confirm your e-mail address',
      'Someone tried to sign up with your e-mail address',
    ]);
    expect((await rowCounts(t.app)).users).toBe(before.users + 1);
  });

  it.each([
    ['short', 'short1!', 'at least 10'],
    ['the e-mail itself', 'Weak.Person@example.com', 'e-mail'],
    ['the e-mail name', 'weak.person', 'e-mail'],
    ['a common password', 'password123', 'too common'],
    ['a common password with decoration', 'Password123!', 'too common'],
    ['a keyboard row', 'qwertyuiop', 'too common'],
    ['a repeated character', 'aaaaaaaaaaaa', 'too common'],
    ['a sequence', '1234567890', 'too common'],
  ])('refuses a password that is %s, with the reason, writing nothing', async (_label, password, reason) => {
    const before = await rowCounts(t.app);
    const res = await register({ ...base, email: 'weak.person@example.com', password });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
    expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'body.password', message: expect.stringContaining(reason) })]);
    expect(await rowCounts(t.app)).toEqual(before);
  });

  it.each([
    ['no body fields', {}],
    ['a malformed e-mail', { ...base, email: 'not-an-email' }],
    ['a self-granted admin role', { ...base, email: 'x@example.com', role: 'admin' }],
    ['an empty first name', { ...base, email: 'x@example.com', firstName: '   ' }],
    ['a malformed phone', { ...base, email: 'x@example.com', phone: 'call me' }],
    ['an over-long password', { ...base, email: 'x@example.com', password: 'x'.repeat(200) }],
  ])('refuses %s with field details and writes nothing', async (_label, payload) => {
    const before = await rowCounts(t.app);
    const res = await register(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', details: expect.any(Array) } });
    expect(res.json().error.details[0].path).toMatch(/^body\./);
    expect(await rowCounts(t.app)).toEqual(before);
  });
});

describe('e-mail verification', () => {
  it('verifies with a single-use token stored only as a hash', async () => {
    const account = await t.register();
    const { token } = await t.linkFor(account.email, '/verify-email');
    const stored = await t.db.select().from(emailTokens).where(eq(emailTokens.userId, account.id));
    expect(stored.map((r) => r.tokenHash)).not.toContain(token);

    const ok = await t.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
    expect(ok.statusCode).toBe(200);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, account.id) }))!.emailVerifiedAt).not.toBeNull();

    const reused = await t.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.code).toBe('TOKEN_INVALID');
  });

  it('refuses an expired token and an unknown one', async () => {
    const account = await t.register();
    const { token } = await t.linkFor(account.email, '/verify-email');
    t.clock.advance(24 * 60 * 60 * 1000 + 1000);
    const expired = await t.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('TOKEN_EXPIRED');
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token: 'x'.repeat(43) } });
    expect(unknown.json().error.code).toBe('TOKEN_INVALID');
    expect((await t.db.query.users.findFirst({ where: eq(users.id, account.id) }))!.emailVerifiedAt).toBeNull();
  });

  it('resends a link only to unverified accounts and answers the same for every address', async () => {
    const account = await t.register();
    await t.drain();
    const mailsBefore = t.outbox.length;
    const resend = (email: string) => t.app.inject({ method: 'POST', url: '/v1/auth/resend-verification', payload: { email } });
    const known = await resend(account.email.toUpperCase());
    const unknown = await resend('nobody@example.com');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    await t.drain();
    expect(t.outbox.slice(mailsBefore).map((m) => m.to)).toEqual([account.email]);
    // The newest link works; an older one is then used up as well.
    const { token } = await t.linkFor(account.email, '/verify-email');
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } })).statusCode).toBe(200);
    await resend(account.email);
    await t.drain();
    expect(t.outbox.slice(mailsBefore)).toHaveLength(1);
  });

  it('lets unverified accounts sign in but not publish or book', async () => {
    const unverified = await t.newUser({ verified: false });
    const me = await t.app.inject({ url: '/v1/users/me', headers: t.bearer(unverified.accessToken) });
    expect(me.json().data.emailVerified).toBe(false);
    const refused = await t.app.inject({ method: 'POST', url: '/v1/test/publish', headers: t.bearer(unverified.accessToken) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('EMAIL_NOT_VERIFIED');
    const verified = await t.newUser();
    expect((await t.app.inject({ method: 'POST', url: '/v1/test/publish', headers: t.bearer(verified.accessToken) })).statusCode).toBe(200);
  });
});
