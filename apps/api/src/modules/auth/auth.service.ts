import { eq } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import { passwordProblem, type RegisterBody } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { AppError, TooManyRequests, Unauthorized, ValidationFailed } from '../../platform/errors.js';
import type { Executor } from '../../platform/db.js';
import type { Sessions, IssuedSession } from './auth.sessions.js';
import type { TwoFactor } from './auth.two-factor.js';
import * as q from './auth.queries.js';

export const VERIFY_EMAIL_MS = 24 * 60 * 60 * 1000;
export const RESET_PASSWORD_MS = 60 * 60 * 1000;

type Deps = Pick<Platform, 'db' | 'clock' | 'queue' | 'passwords' | 'config'> & {
  sessions: Sessions;
  twoFactor: TwoFactor;
  realtime: Pick<Platform['realtime'], 'endSessions'>;
};

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
}

export function createAuthService(p: Deps) {
  const link = (path: string, token: string) => `${p.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;

  async function sendVerification(exec: Executor, user: { id: string; email: string; firstName: string }) {
    const { token, hash } = newToken();
    await q.insertEmailToken(exec, {
      userId: user.id,
      purpose: 'verify_email',
      tokenHash: hash,
      expiresAt: new Date(p.clock.now().getTime() + VERIFY_EMAIL_MS),
    });
    await p.queue.enqueue(exec, 'mail.send', { to: user.email, template: 'verify-email', firstName: user.firstName, link: link('/verify-email', token) });
  }

  async function sendReset(exec: Executor, user: { id: string; email: string; firstName: string }) {
    const { token, hash } = newToken();
    await q.insertEmailToken(exec, {
      userId: user.id,
      purpose: 'reset_password',
      tokenHash: hash,
      expiresAt: new Date(p.clock.now().getTime() + RESET_PASSWORD_MS),
    });
    await p.queue.enqueue(exec, 'mail.send', { to: user.email, template: 'reset-password', firstName: user.firstName, link: link('/reset-password', token) });
  }

  /**
   * Answers the same whether or not the address is taken: a taken address gets a mail telling its
   * owner instead, so the sign-up form cannot be used to find out who has an account.
   */
  async function register(input: Required<Omit<RegisterBody, 'phone'>> & { phone?: string | null }, meta: RequestMeta): Promise<void> {
    const passwordHash = await p.passwords.hash(input.password);
    try {
      await p.db.transaction(async (tx) => {
        const existing = await q.findUserByEmail(tx, input.email);
        if (existing) {
          if (existing.status === 'active')
            await p.queue.enqueue(tx, 'mail.send', {
              to: existing.email,
              template: 'already-registered',
              firstName: existing.firstName,
              loginLink: `${p.config.publicUrl}/signin`,
              resetLink: `${p.config.publicUrl}/forgot-password`,
            });
          await audit(tx, { actorId: null, action: 'auth.register.duplicate', targetType: 'user', targetId: existing.id, ...meta });
          return;
        }
        const [user] = await tx
          .insert(users)
          .values({ email: input.email, passwordHash, role: input.role, firstName: input.firstName, lastName: input.lastName, phone: input.phone ?? null })
          .returning();
        await sendVerification(tx, user!);
        await audit(tx, { actorId: user!.id, action: 'auth.register', targetType: 'user', targetId: user!.id, ...meta, details: { role: input.role } });
      });
    } catch (err) {
      // Two sign-ups with one address at the same moment: the loser behaves like "already taken".
      if (!isUniqueViolation(err)) throw err;
    }
  }

  /** Checks and uses up an e-mailed token inside `tx`; returns the user it belongs to. */
  async function consumeToken(tx: Executor, token: string, purpose: q.EmailTokenPurpose) {
    const now = p.clock.now();
    const row = await q.lockEmailToken(tx, hashToken(token), purpose);
    if (!row || row.usedAt) throw new AppError(400, 'TOKEN_INVALID', 'This link is not valid or was already used. Ask for a new one.');
    if (row.expiresAt <= now) throw new AppError(400, 'TOKEN_EXPIRED', 'This link has expired. Ask for a new one.');
    const user = await q.findUserById(tx, row.userId);
    if (!user || user.status !== 'active') throw new AppError(400, 'TOKEN_INVALID', 'This link is not valid or was already used. Ask for a new one.');
    await q.useEmailTokens(tx, user.id, purpose, now);
    return user;
  }

  async function verifyEmail(token: string, meta: RequestMeta) {
    await p.db.transaction(async (tx) => {
      const user = await consumeToken(tx, token, 'verify_email');
      if (!user.emailVerifiedAt) await tx.update(users).set({ emailVerifiedAt: p.clock.now(), updatedAt: p.clock.now() }).where(eq(users.id, user.id));
      await audit(tx, { actorId: user.id, action: 'auth.email_verified', targetType: 'user', targetId: user.id, ...meta });
    });
  }

  async function resendVerification(email: string) {
    await p.db.transaction(async (tx) => {
      const user = await q.findUserByEmail(tx, email);
      if (user && user.status === 'active' && !user.emailVerifiedAt) await sendVerification(tx, user);
    });
  }

  async function assertNotLocked(email: string) {
    const until = await q.lockedUntil(p.db, email, p.clock.now());
    if (until) throw lockedError(until);
  }

  function lockedError(until: Date) {
    const seconds = (until.getTime() - p.clock.now().getTime()) / 1000;
    return new TooManyRequests(`Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minutes, or reset your password.`, seconds, 'ACCOUNT_LOCKED');
  }

  /** Counts a failure; throws the lockout error when this one reached the limit, else `error`. */
  async function failSignIn(email: string, userId: string | null, meta: RequestMeta, error: AppError, reason: string): Promise<never> {
    const lockedUntil = await p.db.transaction(async (tx) => {
      const until = await q.recordLoginFailure(tx, email, p.clock.now());
      await audit(tx, {
        actorId: userId,
        action: 'auth.login.failed',
        targetType: 'user',
        targetId: userId ?? undefined,
        ...meta,
        details: { reason, locked: Boolean(until) },
      });
      return until;
    });
    throw lockedUntil ? lockedError(lockedUntil) : error;
  }

  async function login(
    email: string,
    password: string,
    meta: RequestMeta,
  ): Promise<{ twoFactorRequired: true; challengeToken: string } | (IssuedSession & { twoFactorRequired: false })> {
    await assertNotLocked(email);
    const user = await q.findUserByEmail(p.db, email);
    const active = user?.status === 'active' ? user : null;
    const ok = await p.passwords.verify(active?.passwordHash ?? null, password);
    if (!ok || !active)
      return failSignIn(email, active?.id ?? null, meta, new Unauthorized('The e-mail address or password is not correct.', 'INVALID_CREDENTIALS'), 'password');
    await q.clearLoginFailures(p.db, email);
    if (active.totpEnabledAt) return { twoFactorRequired: true, challengeToken: p.twoFactor.challengeFor(active) };
    return { twoFactorRequired: false, ...(await p.sessions.signIn(active.id, meta, 'password')) };
  }

  async function loginTwoFactor(input: { challengeToken: string; code?: string; recoveryCode?: string }, meta: RequestMeta) {
    const user = await p.twoFactor.userForChallenge(input.challengeToken);
    await assertNotLocked(user.email);
    const method = await p.twoFactor.checkSecondFactor(user, input);
    if (!method) return failSignIn(user.email, user.id, meta, new Unauthorized('That code is not correct.', 'TWO_FACTOR_INVALID'), 'second_factor');
    await q.clearLoginFailures(p.db, user.email);
    return { twoFactorRequired: false as const, ...(await p.sessions.signIn(user.id, meta, method)) };
  }

  async function forgotPassword(email: string) {
    await p.db.transaction(async (tx) => {
      const user = await q.findUserByEmail(tx, email);
      if (user && user.status === 'active') await sendReset(tx, user);
    });
  }

  /** Sets a new password from a reset link and ends every session of the account. */
  async function resetPassword(token: string, password: string, meta: RequestMeta) {
    const passwordHash = await p.passwords.hash(password);
    const ended = await p.db.transaction(async (tx) => {
      const user = await consumeToken(tx, token, 'reset_password');
      const problem = passwordProblem(password, user.email);
      if (problem) throw ValidationFailed.field('body.password', problem.message, problem.code);
      const sessions = await setPassword(tx, user, passwordHash);
      // Following the link proved the mailbox is theirs.
      if (!user.emailVerifiedAt) await tx.update(users).set({ emailVerifiedAt: p.clock.now() }).where(eq(users.id, user.id));
      await q.clearLoginFailures(tx, user.email);
      await audit(tx, { actorId: user.id, action: 'auth.password_reset', targetType: 'user', targetId: user.id, ...meta });
      return sessions;
    });
    p.realtime.endSessions(ended);
  }

  /** Changes the password, ends all other sessions and returns a fresh one for this device. */
  async function changePassword(userId: string, current: string, next: string, meta: RequestMeta): Promise<IssuedSession> {
    const user = await q.findUserById(p.db, userId);
    if (!user || !(await p.passwords.verify(user.passwordHash, current)))
      throw ValidationFailed.field('body.currentPassword', 'Your current password is not correct.');
    const problem = passwordProblem(next, user.email);
    if (problem) throw ValidationFailed.field('body.newPassword', problem.message, problem.code);
    if (current === next) throw ValidationFailed.field('body.newPassword', 'Choose a password different from the current one.');
    const passwordHash = await p.passwords.hash(next);
    const { session, ended } = await p.db.transaction(async (tx) => {
      const ended = await setPassword(tx, user, passwordHash);
      await audit(tx, { actorId: user.id, action: 'user.password_changed', targetType: 'user', targetId: user.id, ...meta });
      return { session: await p.sessions.issue(tx, user.id, meta), ended };
    });
    p.realtime.endSessions(ended);
    return session;
  }

  /** Sets the password and revokes every session of the account; returns the sessions it ended (their sockets are told after the commit). */
  async function setPassword(tx: Executor, user: { id: string; email: string; firstName: string }, passwordHash: string): Promise<string[]> {
    const now = p.clock.now();
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
    await q.bumpSessionVersion(tx, user.id, now);
    const ended = await q.revokeAllRefreshTokens(tx, user.id, now);
    await p.queue.enqueue(tx, 'mail.send', { to: user.email, template: 'password-changed', firstName: user.firstName });
    return ended;
  }

  return { register, verifyEmail, resendVerification, login, loginTwoFactor, forgotPassword, resetPassword, changePassword };
}
export type AuthService = ReturnType<typeof createAuthService>;
