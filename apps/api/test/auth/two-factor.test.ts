import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { users } from '@walkydoggy/shared/db';
import { createTestApp, refreshCookieOf, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = (url: string, token: string | null, payload: object = {}) =>
  t.app.inject({ method: 'POST', url, payload, ...(token ? { headers: t.bearer(token) } : {}) });
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSeconds });

async function userWithTwoFactor(overrides: Parameters<TestApp['newUser']>[0] = {}) {
  const user = await t.newUser(overrides);
  const setup = await post('/v1/auth/2fa/setup', user.accessToken);
  expect(setup.statusCode).toBe(200);
  const { secret, otpauthUrl } = setup.json().data;
  expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/WalkyDoggy:/);
  const enable = await post('/v1/auth/2fa/enable', user.accessToken, { code: await codeAt(secret) });
  expect(enable.statusCode).toBe(200);
  t.clock.advance(31_000);
  return { ...user, secret, recoveryCodes: enable.json().data.recoveryCodes as string[] };
}

describe('TOTP two-factor sign-in', () => {
  it('refuses to enable with a wrong code, and stores the secret encrypted', async () => {
    const user = await t.newUser();
    const { secret } = (await post('/v1/auth/2fa/setup', user.accessToken)).json().data;
    const wrong = await post('/v1/auth/2fa/enable', user.accessToken, { code: '000000' === (await codeAt(secret)) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    const row = await t.db.query.users.findFirst({ where: eq(users.id, user.id) });
    expect(row!.totpEnabledAt).toBeNull();
    expect(row!.totpPendingSecret).not.toContain(secret);
  });

  it('asks for a code after the password, then signs in with it once', async () => {
    const user = await userWithTwoFactor();
    expect(user.recoveryCodes).toHaveLength(10);
    const first = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } });
    expect(first.json().data).toEqual({ twoFactorRequired: true, challengeToken: expect.any(String) });
    expect(refreshCookieOf(first)).toBeUndefined();
    const { challengeToken } = first.json().data;
    const code = await codeAt(user.secret);
    const second = await post('/v1/auth/login/2fa', null, { challengeToken, code });
    expect(second.statusCode).toBe(200);
    expect(second.json().data).toMatchObject({ twoFactorRequired: false, user: { twoFactorEnabled: true } });
    expect(refreshCookieOf(second)).toBeTruthy();
    // The same code cannot be replayed.
    const replay = await post('/v1/auth/login/2fa', null, { challengeToken, code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TWO_FACTOR_INVALID');
  });

  it('accepts each recovery code once', async () => {
    const user = await userWithTwoFactor();
    const challenge = async () =>
      (await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).json().data.challengeToken;
    const code = user.recoveryCodes[0]!;
    expect((await post('/v1/auth/login/2fa', null, { challengeToken: await challenge(), recoveryCode: code.toLowerCase() })).statusCode).toBe(200);
    expect((await post('/v1/auth/login/2fa', null, { challengeToken: await challenge(), recoveryCode: code })).statusCode).toBe(401);
  });

  it('refuses a forged or stale challenge token', async () => {
    const user = await userWithTwoFactor();
    const forged = await post('/v1/auth/login/2fa', null, { challengeToken: user.accessToken, code: await codeAt(user.secret) });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('TOKEN_INVALID');
  });

  it('counts wrong codes towards the lockout', async () => {
    const user = await userWithTwoFactor();
    const { challengeToken } = (await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).json()
      .data;
    const right = await codeAt(user.secret);
    const wrongCode = right === '123456' ? '654321' : '123456';
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await post('/v1/auth/login/2fa', null, { challengeToken, code: wrongCode })).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    expect((await post('/v1/auth/login/2fa', null, { challengeToken, code: right })).json().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('turns off only with the password and a second factor', async () => {
    const user = await userWithTwoFactor();
    const noCode = await post('/v1/auth/2fa/disable', user.accessToken, { password: user.password });
    expect(noCode.statusCode).toBe(400);
    const badPassword = await post('/v1/auth/2fa/disable', user.accessToken, { password: 'not my password', code: await codeAt(user.secret) });
    expect(badPassword.statusCode).toBe(400);
    const ok = await post('/v1/auth/2fa/disable', user.accessToken, { password: user.password, recoveryCode: user.recoveryCodes[1] });
    expect(ok.statusCode).toBe(200);
    const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } });
    expect(login.json().data.twoFactorRequired).toBe(false);
  });

  it('regenerates recovery codes, invalidating the old ones', async () => {
    const user = await userWithTwoFactor();
    const res = await post('/v1/auth/2fa/recovery-codes', user.accessToken, { code: await codeAt(user.secret) });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().data.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(user.recoveryCodes[0]);
    const challenge = (await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).json().data
      .challengeToken;
    expect((await post('/v1/auth/login/2fa', null, { challengeToken: challenge, recoveryCode: user.recoveryCodes[0] })).statusCode).toBe(401);
    expect((await post('/v1/auth/login/2fa', null, { challengeToken: challenge, recoveryCode: fresh[0] })).statusCode).toBe(200);
  });
});

describe('two-factor required for businesses by a platform setting', () => {
  it('lets a business without 2FA do nothing but set it up, and not turn it off', async () => {
    const admin = await t.newUser({ role: 'admin' });
    const business = await t.newUser({ role: 'business' });
    const owner = await t.newUser();
    const set = await t.app.inject({
      method: 'PUT',
      url: '/v1/admin/settings',
      headers: t.bearer(admin.accessToken),
      payload: { requireTwoFactorForBusiness: true },
    });
    expect(set.json().data).toEqual({ requireTwoFactorForBusiness: true, platformFeeBpsStandard: 1500, platformFeeBpsPremium: 1000 });

    const me = await t.app.inject({ url: '/v1/users/me', headers: t.bearer(business.accessToken) });
    expect(me.json().data.twoFactorSetupRequired).toBe(true);
    const blocked = await t.app.inject({ method: 'PUT', url: '/v1/users/me', headers: t.bearer(business.accessToken), payload: { firstName: 'Shop' } });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('TWO_FACTOR_REQUIRED');
    // Pet owners are not affected.
    expect((await t.app.inject({ method: 'PUT', url: '/v1/users/me', headers: t.bearer(owner.accessToken), payload: { firstName: 'Pat' } })).statusCode).toBe(
      200,
    );

    const { secret } = (await post('/v1/auth/2fa/setup', business.accessToken)).json().data;
    const enabled = await post('/v1/auth/2fa/enable', business.accessToken, { code: await codeAt(secret) });
    expect(enabled.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'PUT', url: '/v1/users/me', headers: t.bearer(business.accessToken), payload: { firstName: 'Shop' } })).statusCode,
    ).toBe(200);
    t.clock.advance(31_000);
    const disable = await post('/v1/auth/2fa/disable', business.accessToken, { password: business.password, code: await codeAt(secret) });
    expect(disable.statusCode).toBe(403);
  });

  it('lets only admins read or change platform settings', async () => {
    const owner = await t.newUser();
    expect((await t.app.inject({ url: '/v1/admin/settings', headers: t.bearer(owner.accessToken) })).statusCode).toBe(403);
    const admin = await t.newUser({ role: 'admin' });
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/v1/admin/settings',
      headers: t.bearer(admin.accessToken),
      payload: { requireTwoFactorForBusiness: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
    const empty = await t.app.inject({ method: 'PUT', url: '/v1/admin/settings', headers: t.bearer(admin.accessToken), payload: {} });
    expect(empty.statusCode).toBe(400);
  });
});
