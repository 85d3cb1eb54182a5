import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, refreshCookieOf, type TestApp } from '../support/app.js';
import { rooms } from '@walkydoggy/shared';
import { ask, closeAll, connect, next, record, refusal, type ClientSocket } from '../scaled/sockets.js';
import { newBusiness, newWorker } from '../businesses/fixtures.js';

/**
 * A session is a refresh-token family; its access tokens carry it (`sid`). Revoking the family (reuse of
 * a refresh token, sign-out, a password change) ends its access tokens at once, on HTTP and on the
 * sockets signed in with them, while the user's other sessions go on. And a token signed with the right
 * secret is still refused when it claims a longer life than the configured one (issue 10, §6).
 */
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(() => closeAll());
afterAll(() => t.close());

const me = (token: string) => t.app.inject({ url: '/v1/users/me', headers: t.bearer(token) });
const refresh = (cookie: string) => t.app.inject({ method: 'POST', url: '/v1/auth/refresh-token', cookies: { wd_refresh: cookie } });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const codeOf = (res: { json(): { error?: { code: string } } }) => res.json().error?.code;

/** Everything emitted to the socket before now has arrived (a message to its own id comes after them). */
async function flushed(socket: ClientSocket) {
  const marker = next(socket, 'notification:count', 5000, (p) => p.unreadCount === -1);
  t.app.platform.realtime.namespace.to(socket.id!).emit('notification:count', { unreadCount: -1 });
  await marker;
}

/** Asserts that `socket` gets nothing sent to its user's room from now on. */
async function expectDeaf(socket: ClientSocket, userId: string) {
  const seen = record(socket, 'notification:count');
  t.app.platform.realtime.toUser(userId, 'notification:count', { unreadCount: 7 });
  await flushed(socket);
  expect(seen.filter((p) => p.unreadCount !== -1)).toEqual([]);
}

describe('revoking a session on HTTP', () => {
  it('reuse of a refresh token refuses every access token of that family at once; the same user’s other session goes on', async () => {
    const user = await t.newUser();
    const otherDevice = await t.login(user.email, user.password);
    const rotated = await refresh(user.refreshCookie);
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json().data.accessToken as string;
    expect(claimsOf(second).sid).toBe(claimsOf(user.accessToken).sid);
    expect((await me(user.accessToken)).statusCode).toBe(200);
    expect((await me(second)).statusCode).toBe(200);

    expect((await refresh(user.refreshCookie)).statusCode).toBe(401);
    for (const token of [user.accessToken, second]) {
      const res = await me(token);
      expect(res.statusCode).toBe(401);
      expect(codeOf(res)).toBe('TOKEN_INVALID');
    }
    expect((await me(otherDevice.accessToken)).statusCode).toBe(200);
  });

  it('signing out ends that session’s access token, not the other sessions’', async () => {
    const user = await t.newUser();
    const otherDevice = await t.login(user.email, user.password);
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/logout', cookies: { wd_refresh: user.refreshCookie } })).statusCode).toBe(200);
    expect(codeOf(await me(user.accessToken))).toBe('TOKEN_INVALID');
    expect((await me(otherDevice.accessToken)).statusCode).toBe(200);
  });
});

describe('revoking a session on sockets', () => {
  it('reuse detection: the socket of that family is told and hears nothing more; a socket of another session keeps hearing', async () => {
    const user = await t.newUser();
    const otherDevice = await t.login(user.email, user.password);
    const stolen = await connect(base, user.accessToken);
    const other = await connect(base, otherDevice.accessToken);
    const otherSaw = record(other, 'session:expired');
    expect((await refresh(user.refreshCookie)).statusCode).toBe(200);
    const told = next(stolen, 'session:expired');
    expect((await refresh(user.refreshCookie)).statusCode).toBe(401);
    expect(await told).toMatchObject({ reason: 'ended' });

    await expectDeaf(stolen, user.id);
    const heard = next(other, 'notification:count', 5000, (p) => p.unreadCount === 8);
    t.app.platform.realtime.toUser(user.id, 'notification:count', { unreadCount: 8 });
    expect(await heard).toEqual({ unreadCount: 8 });
    expect(otherSaw).toEqual([]);
    // The family's token signs no socket in again, neither this one nor a new one.
    expect(await ask(stolen, 'auth:refresh', { token: user.accessToken })).toMatchObject({ success: false, error: { code: 'TOKEN_INVALID' } });
    expect(await refusal(base, user.accessToken)).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('sign-out ends the socket of that session; a password change ends the sockets of every older session, the new one works', async () => {
    const user = await t.newUser();
    const socket = await connect(base, user.accessToken);
    const told = next(socket, 'session:expired');
    await t.app.inject({ method: 'POST', url: '/v1/auth/logout', cookies: { wd_refresh: user.refreshCookie } });
    expect(await told).toMatchObject({ reason: 'ended' });
    await expectDeaf(socket, user.id);

    const walker = await t.newUser();
    const laptop = await t.login(walker.email, walker.password);
    const sockets = [await connect(base, walker.accessToken), await connect(base, laptop.accessToken)];
    const bothTold = Promise.all(sockets.map((s) => next(s, 'session:expired')));
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/users/me/password',
      headers: t.bearer(walker.accessToken),
      payload: { currentPassword: walker.password, newPassword: 'a brand new passphrase here' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await bothTold).map((p) => p.reason)).toEqual(['ended', 'ended']);
    const fresh = changed.json().data.accessToken as string;
    expect((await me(fresh)).statusCode).toBe(200);
    expect(await ask(sockets[0]!, 'auth:refresh', { token: fresh })).toMatchObject({ success: true });
    expect(refreshCookieOf(changed)).toBeTruthy();
  });
});

/** Asserts what `socket` hears of a message sent to `room` from now on. */
async function hears(socket: ClientSocket, room: string): Promise<boolean> {
  const seen = record(socket, 'notification:count');
  t.app.platform.realtime.namespace.to(room).emit('notification:count', { unreadCount: 11 });
  await flushed(socket);
  return seen.some((p) => p.unreadCount === 11);
}

describe('accounts that change under an open socket', () => {
  it('a removed worker’s socket is told its session ended and hears nothing more', async () => {
    const owner = await t.newUser({ role: 'business' });
    const businessId = await newBusiness(t, owner, { status: 'verified' });
    const worker = await newWorker(t, businessId, owner);
    const socket = await connect(base, worker.accessToken);
    const told = next(socket, 'session:expired');
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/businesses/${businessId}/workers/${worker.workerId}`, headers: t.bearer(owner.accessToken) });
    expect(res.statusCode, res.body).toBe(200);
    expect(await told).toMatchObject({ reason: 'ended' });
    await expectDeaf(socket, worker.id);
  });

  it('an owner’s open socket joins the room of a business they create and leaves it when they delete it; their team is signed out', async () => {
    const owner = await t.newUser({ role: 'business' });
    const socket = await connect(base, owner.accessToken);
    const businessId = await newBusiness(t, owner, { status: 'verified' });
    const worker = await newWorker(t, businessId, owner);
    const workerSocket = await connect(base, worker.accessToken);
    expect(await hears(socket, rooms.business(businessId))).toBe(true);

    const workerTold = next(workerSocket, 'session:expired');
    const ownerSaw = record(socket, 'session:expired');
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/businesses/${businessId}`, headers: t.bearer(owner.accessToken) });
    expect(res.statusCode, res.body).toBe(200);
    expect(await workerTold).toMatchObject({ reason: 'ended' });
    await expect.poll(() => hears(socket, rooms.business(businessId))).toBe(false);
    // The owner stays signed in: their own room still reaches them.
    expect(await hears(socket, rooms.user(owner.id))).toBe(true);
    expect(ownerSaw).toEqual([]);
  });

  it('deleting the account signs its sockets out', async () => {
    const user = await t.newUser();
    const socket = await connect(base, user.accessToken);
    const told = next(socket, 'session:expired');
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/users/me', headers: t.bearer(user.accessToken), payload: { password: user.password } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(await told).toMatchObject({ reason: 'ended' });
    await expectDeaf(socket, user.id);
  });
});

describe('access-token lifetime', () => {
  /** The claims of a real token of `user`, signed again with the right secret and `options`. */
  function resigned(user: { accessToken: string }, options: Record<string, unknown>, drop: string[] = []) {
    const claims = claimsOf(user.accessToken);
    for (const key of ['iat', 'exp', ...drop]) delete claims[key];
    return t.app.jwt.sign(claims, options as never);
  }

  it('refuses a token living longer than the configured 15 minutes, or not saying how long, on HTTP and sockets; a normal one passes', async () => {
    const user = await t.newUser();
    const refused = {
      'one year': resigned(user, { expiresIn: 365 * 24 * 3600 }),
      '15 minutes and 1 second': resigned(user, { expiresIn: 901 }),
      'no expiry': resigned(user, {}),
      'no issue time': resigned(user, { expiresIn: 600, noTimestamp: true }),
      'no session': resigned(user, { expiresIn: 900 }, ['sid']),
    };
    for (const [what, token] of Object.entries(refused)) {
      const res = await me(token);
      expect([what, res.statusCode, codeOf(res)]).toEqual([what, 401, 'TOKEN_INVALID']);
      expect([what, await refusal(base, token)]).toMatchObject([what, { code: 'TOKEN_INVALID' }]);
    }
    const normal = resigned(user, { expiresIn: 900 });
    expect((await me(normal)).statusCode).toBe(200);
    expect((await me(user.accessToken)).statusCode).toBe(200);
    const socket = await connect(base, normal);
    expect(await ask(socket, 'auth:refresh', { token: refused['one year'] })).toMatchObject({ success: false, error: { code: 'TOKEN_INVALID' } });
  });

  it('follows ACCESS_TOKEN_SECONDS: an instance configured for 2 minutes issues 2-minute tokens and refuses 15-minute ones', async () => {
    const short = await createTestApp({ env: { ACCESS_TOKEN_SECONDS: '120' }, sameDatabaseAs: t });
    try {
      const user = await t.newUser();
      const login = await short.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } });
      expect(login.json().data.expiresIn).toBe(120);
      const issued = claimsOf(login.json().data.accessToken);
      expect(Number(issued.exp) - Number(issued.iat)).toBe(120);
      const callMe = (token: string) => short.app.inject({ url: '/v1/users/me', headers: short.bearer(token) });
      expect((await callMe(login.json().data.accessToken)).statusCode).toBe(200);
      expect(codeOf(await callMe(user.accessToken))).toBe('TOKEN_INVALID');
    } finally {
      await short.close();
    }
  });
});
