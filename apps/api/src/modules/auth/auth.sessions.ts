import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import type { FastifyReply } from 'fastify';
import { SESSION_HINT_COOKIE, type Session } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Executor } from '../../platform/db.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { Unauthorized } from '../../platform/errors.js';
import { toUserView } from '../users/users.view.js';
import * as q from './auth.queries.js';

export const REFRESH_TOKEN_MS = 7 * 24 * 60 * 60 * 1000;
export const REFRESH_COOKIE = 'wd_refresh';
/** Only the auth routes receive the refresh cookie. */
export const REFRESH_COOKIE_PATH = '/v1/auth';

type CookieReply = Pick<FastifyReply, 'setCookie' | 'clearCookie'>;

/**
 * The httpOnly refresh cookie, and beside it the session hint (`SESSION_HINT_COOKIE`): readable by
 * the web app on every page (path `/`), holding nothing secret, with the same lifetime. Every place
 * that hands out or ends a browser session goes through these two, so the hint never lies for long.
 */
export function setSessionCookies(reply: CookieReply, refreshToken: string, secure: boolean): void {
  const maxAge = REFRESH_TOKEN_MS / 1000;
  reply.setCookie(REFRESH_COOKIE, refreshToken, { httpOnly: true, secure, sameSite: 'strict', path: REFRESH_COOKIE_PATH, maxAge });
  reply.setCookie(SESSION_HINT_COOKIE, '1', { httpOnly: false, secure, sameSite: 'strict', path: '/', maxAge });
}

export function clearSessionCookies(reply: CookieReply, secure: boolean): void {
  reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure, sameSite: 'strict', path: REFRESH_COOKIE_PATH });
  reply.clearCookie(SESSION_HINT_COOKIE, { httpOnly: false, secure, sameSite: 'strict', path: '/' });
}

/** A session for the client plus the refresh token to put in its cookie. */
export type IssuedSession = Session & { refreshToken: string };

type Deps = Pick<Platform, 'db' | 'clock' | 'guard' | 'settings' | 'config'> & { realtime: Pick<Platform['realtime'], 'endSessions'> };

export function createSessions(p: Deps) {
  /** Issues an access token and a refresh token (a new family unless one is given). */
  async function issue(exec: Executor, userId: string, meta: RequestMeta, familyId: string = crypto.randomUUID()): Promise<IssuedSession> {
    const now = p.clock.now();
    const user = await q.findUserById(exec, userId);
    if (!user) throw new Unauthorized();
    const { token, hash } = newToken();
    await q.insertRefreshToken(exec, {
      userId,
      familyId,
      tokenHash: hash,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_MS),
      userAgent: meta.userAgent,
      ip: meta.ip,
    });
    const settings = await p.settings.get(exec);
    return {
      accessToken: p.guard.signAccessToken({ sub: user.id, role: user.role, ev: user.emailVerifiedAt !== null, sv: user.sessionVersion, sid: familyId }),
      expiresIn: p.config.accessTokenSeconds,
      user: toUserView(user, settings),
      refreshToken: token,
    };
  }

  /** Starts a session after a successful sign-in. */
  async function signIn(userId: string, meta: RequestMeta, method: 'password' | 'totp' | 'recovery_code'): Promise<IssuedSession> {
    return p.db.transaction(async (tx) => {
      const now = p.clock.now();
      await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, userId));
      await audit(tx, { actorId: userId, action: 'auth.login', targetType: 'user', targetId: userId, ...meta, details: { method } });
      return issue(tx, userId, meta);
    });
  }

  /**
   * Rotates a refresh token. A token that was already used means it leaked (or a client misbehaved):
   * the whole family it belongs to is revoked, so the thief's copy dies with the owner's, and so do the
   * access tokens issued under it and the sockets signed in with them, on every instance.
   */
  async function refresh(rawToken: string | undefined, meta: RequestMeta): Promise<IssuedSession> {
    if (!rawToken) throw new Unauthorized('Sign in to continue.', 'TOKEN_INVALID');
    const outcome = await p.db.transaction(async (tx) => {
      const now = p.clock.now();
      const row = await q.lockRefreshToken(tx, hashToken(rawToken));
      if (!row || row.revokedAt || row.expiresAt <= now) return { kind: 'invalid' as const };
      if (row.usedAt) {
        await q.revokeFamily(tx, row.familyId, now);
        await audit(tx, {
          actorId: row.userId,
          action: 'auth.refresh.reuse_detected',
          targetType: 'user',
          targetId: row.userId,
          ...meta,
          details: { familyId: row.familyId },
        });
        return { kind: 'reused' as const, familyId: row.familyId };
      }
      const user = await q.findUserById(tx, row.userId);
      if (!user || user.status !== 'active') return { kind: 'invalid' as const };
      await q.markRefreshTokenUsed(tx, row.id, now);
      return { kind: 'ok' as const, session: await issue(tx, row.userId, meta, row.familyId) };
    });
    // After the commit: a socket told before it would still pass the check of the family.
    if (outcome.kind === 'reused') p.realtime.endSessions([outcome.familyId]);
    if (outcome.kind !== 'ok') throw new Unauthorized('Your session has ended. Sign in again.', 'TOKEN_INVALID');
    return outcome.session;
  }

  /** Ends the session of the refresh token: its family, the access tokens issued under it and their sockets. */
  async function signOut(rawToken: string | undefined, meta: RequestMeta) {
    if (!rawToken) return;
    const familyId = await p.db.transaction(async (tx) => {
      const row = await q.lockRefreshToken(tx, hashToken(rawToken));
      if (!row) return null;
      await q.revokeFamily(tx, row.familyId, p.clock.now());
      await audit(tx, { actorId: row.userId, action: 'auth.logout', targetType: 'user', targetId: row.userId, ...meta });
      return row.familyId;
    });
    if (familyId) p.realtime.endSessions([familyId]);
  }

  return { issue, signIn, refresh, signOut };
}
export type Sessions = ReturnType<typeof createSessions>;
