import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, refreshTokens } from '@walkydoggy/shared/db';
import { SESSION_HINT_COOKIE } from '@walkydoggy/shared';
import { createTestApp, refreshCookieOf, STRONG_PASSWORD, type TestApp } from '../support/app.js';
import { loadConfig } from '../../src/platform/config.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
const refresh = (cookie?: string) => t.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', ...(cookie ? { cookies: { wd_refresh: cookie } } : {}) });
const me = (token: string) => t.app.inject({ url: '/v1/users/me', headers: { authorization: `Bearer ${token}` } });
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

describe('POST /v1/auth/login', () => {
  it('returns a 15-minute access token with the role and sets a 7-day strict httpOnly refresh cookie', async () => {
    const account = await t.register();
    const res = await login(account.email.toUpperCase(), account.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data).toMatchObject({ twoFactorRequired: false, expiresIn: 900, user: { email: account.email, role: 'pet_owner', emailVerified: false } });
    const claims = decode(body.data.accessToken);
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims).toMatchObject({ sub: account.id, role: 'pet_owner', typ: 'access' });
    const cookie = res.cookies.find((c) => c.name === 'wd_refresh')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/auth', maxAge: 604800, secure: true });
    // The session hint the web app reads on every page: readable, not secret, same lifetime.
    const hint = res.cookies.find((c) => c.name === SESSION_HINT_COOKIE)!;
    expect(hint).toMatchObject({ value: '1', sameSite: 'Strict', path: '/', maxAge: 604800, secure: true });
    expect(hint.httpOnly).toBeFalsy();
    expect(body.data).not.toHaveProperty('refreshToken');
    expect((await me(body.data.accessToken)).json().data.id).toBe(account.id);
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login'));
    expect(entry).toMatchObject({ actorId: account.id, details: { method: 'password' } });
  });

  it('marks the cookie Secure everywhere but in development', () => {
    expect(loadConfig({ APP_ENV: 'development', DATA_DIR: '/tmp/wd-config-test' }).cookieSecure).toBe(false);
    expect(loadConfig({ APP_ENV: 'production', JWT_SECRET: 'y'.repeat(40) }).cookieSecure).toBe(true);
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const account = await t.register();
    const wrong = await login(account.email, 'not the right password');
    const unknown = await login('ghost@example.com', 'not the right password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(refreshCookieOf(wrong)).toBeUndefined();
  });

  it('locks an address for 15 minutes after 5 failures, whether or not it has an account', async () => {
    const account = await t.register();
    for (const email of [account.email, 'nobody-here@example.com']) {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await login(email, 'wrong password here')).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 429]);
      const locked = await login(email, email === account.email ? account.password : 'anything at all');
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    }
    t.clock.advance(15 * 60 * 1000 + 1000);
    expect((await login(account.email, account.password)).statusCode).toBe(200);
    // A success clears the count: four more failures do not lock.
    for (let i = 0; i < 4; i++) expect((await login(account.email, 'wrong password here')).statusCode).toBe(401);
    expect((await login(account.email, account.password)).statusCode).toBe(200);
  });

  it('refuses malformed sign-in bodies with field details', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'nope' } });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['body.email', 'body.password']);
  });
});

describe('access tokens', () => {
  it('refuses missing, tampered, foreign and expired tokens', async () => {
    const user = await t.newUser();
    expect((await t.app.inject('/v1/users/me')).json().error.code).toBe('UNAUTHORIZED');
    const [h, p, s] = user.accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decode(user.accessToken), role: 'admin' })).toString('base64url');
    expect((await me(`${h}.${forged}.${s}`)).json().error.code).toBe('TOKEN_INVALID');
    expect((await me(`${h}.${p}.${s}x`)).statusCode).toBe(401);
    const expired = t.app.jwt.sign({ ...decode(user.accessToken), iat: undefined, exp: undefined }, {
      expiresIn: 900,
      clockTimestamp: Date.now() - 16 * 60 * 1000,
    } as never);
    const res = await me(expired);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
  });
});

describe('refresh-token rotation', () => {
  it('rotates the refresh token and issues a new access token', async () => {
    const user = await t.newUser();
    const res = await refresh(user.refreshCookie);
    expect(res.statusCode).toBe(200);
    const next = refreshCookieOf(res)!;
    expect(next).toBeTruthy();
    expect(next).not.toBe(user.refreshCookie);
    expect(res.cookies.find((c) => c.name === SESSION_HINT_COOKIE)).toMatchObject({ value: '1', path: '/', maxAge: 604800 });
    expect((await me(res.json().data.accessToken)).statusCode).toBe(200);
    expect((await refresh(next)).statusCode).toBe(200);
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const user = await t.newUser();
    const otherDevice = await t.login(user.email, user.password);
    const rotated = refreshCookieOf(await refresh(user.refreshCookie))!;
    const replay = await refresh(user.refreshCookie);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TOKEN_INVALID');
    // The legitimate successor dies with the stolen copy...
    expect((await refresh(rotated)).statusCode).toBe(401);
    // ...but another sign-in (another family) is untouched.
    expect((await refresh(otherDevice.refreshCookie)).statusCode).toBe(200);
    const reuse = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.refresh.reuse_detected'));
    expect(reuse).toHaveLength(1);
  });

  it('refuses a missing, unknown or expired refresh token and clears the cookie', async () => {
    expect((await refresh()).statusCode).toBe(401);
    const unknown = await refresh('made-up-token-value-made-up-token-value');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.cookies.find((c) => c.name === 'wd_refresh')?.value).toBe('');
    // The hint goes with it, so the next page load does not try again.
    expect(unknown.cookies.find((c) => c.name === SESSION_HINT_COOKIE)).toMatchObject({ value: '', path: '/' });
    const user = await t.newUser();
    t.clock.advance(7 * 24 * 60 * 60 * 1000 + 1000);
    expect((await refresh(user.refreshCookie)).statusCode).toBe(401);
  });

  it('logs out: the refresh token stops working and the cookie is cleared', async () => {
    const user = await t.newUser();
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', cookies: { wd_refresh: user.refreshCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.cookies.find((c) => c.name === 'wd_refresh')?.value).toBe('');
    expect(res.cookies.find((c) => c.name === SESSION_HINT_COOKIE)).toMatchObject({ value: '', path: '/' });
    expect((await refresh(user.refreshCookie)).statusCode).toBe(401);
    const rows = await t.db.select().from(refreshTokens).where(eq(refreshTokens.userId, user.id));
    expect(rows.every((r) => r.revokedAt)).toBe(true);
  });

  it('ends sessions of an account that was deleted meanwhile', async () => {
    const user = await t.newUser();
    const deleted = await t.app.inject({ method: 'DELETE', url: '/v1/users/me', headers: t.bearer(user.accessToken), payload: { password: user.password } });
    expect(deleted.cookies.find((c) => c.name === SESSION_HINT_COOKIE)).toMatchObject({ value: '', path: '/' });
    expect((await refresh(user.refreshCookie)).statusCode).toBe(401);
    expect((await me(user.accessToken)).statusCode).toBe(401);
  });
});

describe('auth rate limit', () => {
  it('applies a stricter per-IP limit on auth routes than elsewhere, in the envelope', async () => {
    const limited = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '3', RATE_LIMIT_MAX: '100' }, sameDatabaseAs: t });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push((await limited.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: 'a@example.com' } })).statusCode);
      expect(codes).toEqual([202, 202, 202, 429]);
      const res = await limited.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'a@example.com', password: STRONG_PASSWORD } });
      // Each route has its own bucket; the fourth call to one route is refused.
      expect(res.statusCode).toBe(401);
      const blocked = await limited.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: 'a@example.com' } });
      expect(blocked.json()).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
      expect(blocked.headers['retry-after']).toBeDefined();
      expect((await limited.app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
