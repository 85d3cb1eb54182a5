import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, users } from '@walkydoggy/shared/db';
import { createTestApp, refreshCookieOf, rowCounts, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const forgot = (email: string) => t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email } });
const reset = (token: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token, password } });
const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
const NEW_PASSWORD = 'a brand new passphrase';

describe('forgot and reset password', () => {
  it('answers the same for known and unknown addresses and mails only the known one', async () => {
    const user = await t.newUser();
    await t.drain();
    const sent = t.outbox.length;
    const known = await forgot(user.email);
    const unknown = await forgot('no-account@example.com');
    expect(known.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    await t.drain();
    expect(t.outbox.slice(sent).map((m) => m.to)).toEqual([user.email]);
  });

  it('sets the new password once, ends every session and tells the owner', async () => {
    const user = await t.newUser();
    const otherDevice = await t.login(user.email, user.password);
    await forgot(user.email);
    const { token, url } = await t.linkFor(user.email, '/reset-password');
    expect(url.pathname).toBe('/reset-password');

    const res = await reset(token, NEW_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect((await login(user.email, user.password)).statusCode).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).statusCode).toBe(200);
    // Every earlier session is over: access tokens and refresh tokens alike.
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(user.accessToken) })).statusCode).toBe(401);
    for (const cookie of [user.refreshCookie, otherDevice.refreshCookie])
      expect((await t.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: cookie } })).statusCode).toBe(401);

    const again = await reset(token, 'yet another passphrase');
    expect(again.json().error.code).toBe('TOKEN_INVALID');
    await t.drain();
    expect(t.outbox.at(-1)).toMatchObject({ to: user.email, subject: 'Your password was changed' });
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.password_reset'))).toHaveLength(1);
  });

  it('expires reset links after an hour', async () => {
    const user = await t.newUser();
    await forgot(user.email);
    const { token } = await t.linkFor(user.email, '/reset-password');
    t.clock.advance(60 * 60 * 1000 + 1000);
    const res = await reset(token, NEW_PASSWORD);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it('refuses a weak new password (here: the account e-mail) and changes nothing', async () => {
    const user = await t.newUser();
    await forgot(user.email);
    const { token } = await t.linkFor(user.email, '/reset-password');
    const before = await rowCounts(t.app);
    const hashBefore = (await t.db.query.users.findFirst({ where: eq(users.id, user.id) }))!.passwordHash;
    const res = await reset(token, user.email);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'body.password' });
    expect(await rowCounts(t.app)).toEqual(before);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, user.id) }))!.passwordHash).toBe(hashBefore);
    // The token was not used up by the refused attempt.
    expect((await reset(token, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('confirms the e-mail address of an unverified account that resets its password', async () => {
    const user = await t.newUser({ verified: false });
    await forgot(user.email);
    const { token } = await t.linkFor(user.email, '/reset-password');
    await reset(token, NEW_PASSWORD);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, user.id) }))!.emailVerifiedAt).not.toBeNull();
  });
});

describe('PUT /v1/users/me/password', () => {
  const change = (token: string, body: object) => t.app.inject({ method: 'PUT', url: '/v1/users/me/password', headers: t.bearer(token), payload: body });

  it('needs the current password', async () => {
    const user = await t.newUser();
    const res = await change(user.accessToken, { currentPassword: 'wrong password!!', newPassword: NEW_PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'body.currentPassword' })]);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it('refuses a weak or unchanged password', async () => {
    const user = await t.newUser();
    expect((await change(user.accessToken, { currentPassword: user.password, newPassword: 'letmein123' })).json().error.details[0].path).toBe(
      'body.newPassword',
    );
    expect((await change(user.accessToken, { currentPassword: user.password, newPassword: user.password })).statusCode).toBe(400);
  });

  it('changes it, signs out other devices and keeps this one signed in', async () => {
    const user = await t.newUser();
    const other = await t.login(user.email, user.password);
    const res = await change(user.accessToken, { currentPassword: user.password, newPassword: NEW_PASSWORD });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().data.accessToken;
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(fresh) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(other.accessToken) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: other.refreshCookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: refreshCookieOf(res)! } })).statusCode).toBe(200);
    expect((await login(user.email, NEW_PASSWORD)).statusCode).toBe(200);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.password_changed'))).toHaveLength(1);
  });
});
