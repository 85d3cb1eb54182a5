import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, api, onSessionExpired } from '../api/client';
import { aUser, fail, mockFetch, ok } from '../test/fetchMock';
import { hasSessionHint, useSessionStore } from './session';

const session = (token: string, user = aUser()) => ({ accessToken: token, expiresIn: 900, user });

/** The readable cookie the API sets beside the httpOnly refresh cookie while a session exists. */
const setHint = (present: boolean) => {
  document.cookie = present ? 'wd_session=1; path=/' : 'wd_session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
};

beforeEach(() => {
  setActivePinia(createPinia());
  onSessionExpired(() => {});
  setHint(true);
});

describe('session store', () => {
  it('restores a session from the refresh cookie when the app starts', async () => {
    const net = mockFetch({ 'POST /v1/auth/refresh-token': ok(session('tok-1')) });
    const store = useSessionStore();

    await store.restore();

    expect(store.status).toBe('signed-in');
    expect(store.isSignedIn).toBe(true);
    expect(store.user?.firstName).toBe('Rita');
    expect(store.accessToken).toBe('tok-1');
    const [call] = net.calls;
    expect(call?.credentials).toBe('include');
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.body).toEqual({});
  });

  it('is signed out when there is no valid refresh cookie, and does not ask twice', async () => {
    const net = mockFetch({ 'POST /v1/auth/refresh-token': fail(401, 'UNAUTHORIZED', 'Sign in to continue.') });
    const store = useSessionStore();

    await Promise.all([store.restore(), store.restore()]);
    await store.restore();

    expect(store.status).toBe('signed-out');
    expect(store.user).toBeNull();
    expect(net.calls).toHaveLength(1);
  });

  it('sends no refresh request at start when the API left no session hint: a signed-out page load asks for nothing', async () => {
    setHint(false);
    const net = mockFetch({ 'POST /v1/auth/refresh-token': fail(401, 'UNAUTHORIZED', 'Sign in to continue.') });
    const store = useSessionStore();

    await store.restore();

    expect(store.status).toBe('signed-out');
    expect(store.isSignedIn).toBe(false);
    expect(net.calls).toHaveLength(0);
  });

  it('does not ask for a refresh while signing out, nor once the hint is gone (the sockets of an ended session ask for one)', async () => {
    let releaseLogout: (() => void) | undefined;
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('tok') }),
      'POST /v1/auth/logout': () => new Promise((resolve) => (releaseLogout = () => resolve(ok()))),
      'POST /v1/auth/refresh-token': fail(401, 'UNAUTHORIZED', 'Sign in to continue.'),
    });
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    const signingOut = store.logout();
    expect(await store.refresh()).toBe(false);
    await vi.waitFor(() => expect(releaseLogout).toBeDefined());
    releaseLogout!();
    await signingOut;
    setHint(false);
    expect(await store.refresh()).toBe(false);

    expect(net.callsTo('POST /v1/auth/refresh-token')).toHaveLength(0);
    expect(store.status).toBe('signed-out');
  });

  it('reads the hint only when it is exactly there', () => {
    expect(hasSessionHint('wd_session=1')).toBe(true);
    expect(hasSessionHint('theme=dark; wd_session=1; lang=en')).toBe(true);
    expect(hasSessionHint('')).toBe(false);
    expect(hasSessionHint('wd_session=')).toBe(false);
    expect(hasSessionHint('old_wd_session=1')).toBe(false);
  });

  it('signs in in two steps when the account uses two-factor sign-in', async () => {
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: true, challengeToken: 'challenge-123456' }),
      'POST /v1/auth/login/2fa': ok({ twoFactorRequired: false, ...session('tok-2fa') }),
    });
    const store = useSessionStore();

    const first = await store.login('rita@example.com', 'correct horse battery');
    expect(first).toEqual({ twoFactorRequired: true, challengeToken: 'challenge-123456' });
    expect(store.isSignedIn).toBe(false);

    await store.loginTwoFactor('challenge-123456', { code: '123456' });
    expect(net.callsTo('POST /v1/auth/login/2fa')[0]?.body).toEqual({ challengeToken: 'challenge-123456', code: '123456' });
    expect(store.accessToken).toBe('tok-2fa');
    expect(store.status).toBe('signed-in');
  });

  it('sends the in-memory access token and never stores it in localStorage', async () => {
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('tok-mem') }),
      'PUT /v1/users/me': ok(aUser({ firstName: 'Rita-Mae' })),
    });
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    await store.updateProfile({ firstName: 'Rita-Mae' });

    expect(net.callsTo('PUT /v1/users/me')[0]?.headers.authorization).toBe('Bearer tok-mem');
    expect(store.user?.firstName).toBe('Rita-Mae');
    expect(JSON.stringify({ ...localStorage })).not.toContain('tok-mem');
  });

  it('refreshes an expired token once for concurrent requests and retries them', async () => {
    let refreshes = 0;
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('old') }),
      'POST /v1/auth/refresh-token': async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return ok(session('new'));
      },
      'GET /v1/users/me': (call) => (call.headers.authorization === 'Bearer new' ? ok(aUser()) : fail(401, 'TOKEN_EXPIRED', 'Your session has expired.')),
    });
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    const [a, b] = await Promise.all([api.get('/users/me'), api.get('/users/me')]);

    expect(refreshes).toBe(1);
    expect(a.data).toEqual(aUser());
    expect(b.data).toEqual(aUser());
    expect(store.accessToken).toBe('new');
    expect(net.callsTo('GET /v1/users/me').map((c) => c.headers.authorization)).toEqual(['Bearer old', 'Bearer old', 'Bearer new', 'Bearer new']);
  });

  it('clears the session and reports it when the refresh fails', async () => {
    mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('old') }),
      'POST /v1/auth/refresh-token': fail(401, 'UNAUTHORIZED', 'Sign in to continue.'),
      'GET /v1/users/me': fail(401, 'TOKEN_INVALID', 'Your session has ended. Sign in again.'),
    });
    const expired = vi.fn();
    onSessionExpired(expired);
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    await expect(store.reloadUser()).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    expect(store.status).toBe('signed-out');
    expect(store.user).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('does not treat a wrong current password as an expired session', async () => {
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('tok') }),
      'PUT /v1/users/me/password': fail(401, 'INVALID_CREDENTIALS', 'The current password is not right.'),
    });
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    await expect(store.changePassword('wrong', 'a brand new secret')).rejects.toBeInstanceOf(ApiError);
    expect(net.callsTo('POST /v1/auth/refresh-token')).toHaveLength(0);
    expect(store.isSignedIn).toBe(true);
  });

  it('turns validation details into field errors without the body. prefix', async () => {
    mockFetch({
      'POST /v1/auth/register': fail(400, 'VALIDATION_ERROR', 'Check the highlighted fields.', [
        { path: 'body.email', message: 'Enter a valid e-mail address.' },
        { path: 'body.password', message: 'This password is too common.' },
      ]),
    });
    const store = useSessionStore();

    const error = await store
      .register({ email: 'x@example.com', password: 'x', firstName: 'A', lastName: 'B', role: 'pet_owner' })
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors).toEqual({ email: 'Enter a valid e-mail address.', password: 'This password is too common.' });
  });

  it('signs out locally even when the server call fails', async () => {
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('tok') }),
      'POST /v1/auth/logout': fail(500, 'INTERNAL_ERROR', 'Something went wrong.'),
    });
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    await store.logout();

    expect(net.callsTo('POST /v1/auth/logout')[0]?.headers.authorization).toBe('Bearer tok');
    expect(store.isSignedIn).toBe(false);
    expect(store.status).toBe('signed-out');
  });

  it('changing the password keeps this browser signed in with the new token', async () => {
    mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: false, ...session('before') }),
      'PUT /v1/users/me/password': ok(session('after')),
    });
    const store = useSessionStore();
    await store.login('rita@example.com', 'correct horse battery');

    await store.changePassword('correct horse battery', 'a brand new secret');

    expect(store.accessToken).toBe('after');
  });
});
