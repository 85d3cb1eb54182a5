import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, refreshTokens, users } from '@walkydoggy/shared/db';
import { createTestApp, rowCounts, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET/PUT /v1/users/me', () => {
  it('reads and updates the profile, auditing the change', async () => {
    const user = await t.newUser();
    const got = await t.app.inject({ url: '/v1/users/me', headers: t.bearer(user.accessToken) });
    expect(got.json().data).toMatchObject({
      id: user.id,
      email: user.email,
      firstName: 'Robin',
      role: 'pet_owner',
      emailVerified: true,
      twoFactorEnabled: false,
    });
    expect(got.json().data).not.toHaveProperty('passwordHash');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/users/me',
      headers: t.bearer(user.accessToken),
      payload: { firstName: ' Sam ', phone: '+1 555 0100' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().data).toMatchObject({ firstName: 'Sam', lastName: 'Walker', phone: '+1 555 0100' });
    const cleared = await t.app.inject({ method: 'PUT', url: '/v1/users/me', headers: t.bearer(user.accessToken), payload: { phone: '' } });
    expect(cleared.json().data.phone).toBeNull();
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.update'))).toHaveLength(2);
  });

  it('refuses bad or empty changes and changes nothing', async () => {
    const user = await t.newUser();
    const before = await rowCounts(t.app);
    for (const payload of [{}, { firstName: '' }, { phone: 'abc' }, { email: 'new@example.com' }]) {
      const res = await t.app.inject({ method: 'PUT', url: '/v1/users/me', headers: t.bearer(user.accessToken), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().success).toBe(false);
    }
    expect(await rowCounts(t.app)).toEqual(before);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, user.id) }))!.firstName).toBe('Robin');
  });
});

describe('GET /v1/users/me/export', () => {
  it('returns all personal data as JSON, without secrets', async () => {
    const user = await t.newUser();
    const res = await t.app.inject({ url: '/v1/users/me/export', headers: t.bearer(user.accessToken) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    const data = res.json().data;
    expect(data.account).toMatchObject({ id: user.id, email: user.email, firstName: 'Robin' });
    expect(data.sessions.length).toBeGreaterThan(0);
    expect(data.activity.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['auth.register', 'auth.login']));
    expect(res.body).not.toMatch(/argon2|password_?hash|totp_?secret|token_?hash/i);
  });
});

describe('DELETE /v1/users/me', () => {
  it('needs the password', async () => {
    const user = await t.newUser();
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/users/me', headers: t.bearer(user.accessToken), payload: { password: 'not my password' } });
    expect(res.statusCode).toBe(400);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, user.id) }))!.status).toBe('active');
  });

  it('soft-deletes at once, then a job erases the personal data and frees the address', async () => {
    const user = await t.newUser();
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/users/me', headers: t.bearer(user.accessToken), payload: { password: user.password } });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(user.accessToken) })).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } });
    expect(login.json().error.code).toBe('INVALID_CREDENTIALS');
    const soft = await t.db.query.users.findFirst({ where: eq(users.id, user.id) });
    expect(soft).toMatchObject({ status: 'deleted', email: user.email, erasedAt: null });

    await t.drain();
    const erased = await t.db.query.users.findFirst({ where: eq(users.id, user.id) });
    expect(erased).toMatchObject({ status: 'deleted', firstName: 'Deleted', phone: null, passwordHash: null });
    expect(erased!.email).not.toContain(user.email.split('@')[0]);
    expect(erased!.erasedAt).not.toBeNull();
    expect(await t.db.select().from(refreshTokens).where(eq(refreshTokens.userId, user.id))).toHaveLength(0);
    const trail = await t.db.select().from(auditLog).where(eq(auditLog.actorId, user.id));
    expect(trail.length).toBeGreaterThan(0);
    expect(trail.every((e) => e.ip === null && e.userAgent === null)).toBe(true);
    expect(t.outbox.some((m) => m.to === user.email && m.subject.includes('deleted'))).toBe(true);
    // The address can be used again.
    const again = await t.register({ email: user.email });
    expect(again.id).not.toBe(user.id);
  });

  it('keeps the last admin, and lets an admin go when another remains', async () => {
    const admin = await t.newUser({ role: 'admin' });
    const del = (u: { accessToken: string; password: string }) =>
      t.app.inject({ method: 'DELETE', url: '/v1/users/me', headers: t.bearer(u.accessToken), payload: { password: u.password } });
    const refused = await del(admin);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('last admin');
    const second = await t.newUser({ role: 'admin' });
    expect((await del(admin)).statusCode).toBe(200);
    expect((await del(second)).statusCode).toBe(409);
  });
});
