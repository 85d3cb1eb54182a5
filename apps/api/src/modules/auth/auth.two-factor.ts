import crypto from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { recoveryCodes, users } from '@walkydoggy/shared/db';
import type { Platform } from '../../platform/platform.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import { hashToken } from '../../platform/tokens.js';
import { AppError, Conflict, Forbidden, Unauthorized, ValidationFailed } from '../../platform/errors.js';
import type { Executor } from '../../platform/db.js';
import * as q from './auth.queries.js';

const CHALLENGE_SECONDS = 5 * 60;
const RECOVERY_CODE_COUNT = 10;
// No 0/O or 1/I/L: codes are read off paper.
const RECOVERY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

type Deps = Pick<Platform, 'db' | 'clock' | 'secretBox' | 'settings'> & {
  jwt: { sign(payload: object, opts: { expiresIn: number }): string; verify<T>(token: string): T };
};
type UserRow = NonNullable<Awaited<ReturnType<typeof q.findUserById>>>;
type Challenge = { typ: 'mfa'; sub: string; sv: number };

function newRecoveryCode(): string {
  const bytes = crypto.randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalizeRecoveryCode = (code: string) => code.trim().toUpperCase().replace(/-/g, '');

/** TOTP (RFC 6238) second factor with one-time recovery codes. */
export function createTwoFactor(p: Deps) {
  const epoch = () => Math.floor(p.clock.now().getTime() / 1000);

  /** Accepts a code at most once: its time step must be newer than the last one accepted. */
  async function acceptTotp(exec: Executor, userId: string, sealedSecret: string, code: string): Promise<boolean> {
    const result = await verifyTotp({ secret: p.secretBox.open(sealedSecret), token: code, epoch: epoch(), epochTolerance: 30 });
    if (!result.valid) return false;
    const step = (result as { timeStep?: number }).timeStep ?? Math.floor(epoch() / 30) + result.delta;
    const updated = await exec
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return updated.length > 0;
  }

  async function issueRecoveryCodes(exec: Executor, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await q.replaceRecoveryCodes(
      exec,
      userId,
      codes.map((c) => hashToken(normalizeRecoveryCode(c))),
    );
    return codes;
  }

  function challengeFor(user: UserRow): string {
    return p.jwt.sign({ typ: 'mfa', sub: user.id, sv: user.sessionVersion } satisfies Challenge, { expiresIn: CHALLENGE_SECONDS });
  }

  async function userForChallenge(token: string): Promise<UserRow> {
    let claims: Challenge;
    try {
      claims = p.jwt.verify<Challenge>(token);
    } catch {
      throw new Unauthorized('The sign-in attempt expired. Enter your e-mail and password again.', 'TOKEN_INVALID');
    }
    const user = claims.typ === 'mfa' ? await q.findUserById(p.db, claims.sub) : undefined;
    if (!user || user.status !== 'active' || user.sessionVersion !== claims.sv || !user.totpSecret)
      throw new Unauthorized('The sign-in attempt expired. Enter your e-mail and password again.', 'TOKEN_INVALID');
    return user;
  }

  async function checkSecondFactor(user: UserRow, input: { code?: string; recoveryCode?: string }): Promise<'totp' | 'recovery_code' | null> {
    if (!user.totpSecret) return null;
    if (input.code) return (await acceptTotp(p.db, user.id, user.totpSecret, input.code)) ? 'totp' : null;
    if (input.recoveryCode)
      return (await q.useRecoveryCode(p.db, user.id, hashToken(normalizeRecoveryCode(input.recoveryCode)), p.clock.now())) ? 'recovery_code' : null;
    return null;
  }

  async function setup(userId: string) {
    const user = await q.findUserById(p.db, userId);
    if (!user) throw new Unauthorized();
    if (user.totpEnabledAt) throw new Conflict('Two-factor sign-in is already on. Turn it off first to set up a new device.');
    const secret = generateSecret();
    await p.db
      .update(users)
      .set({ totpPendingSecret: p.secretBox.seal(secret) })
      .where(eq(users.id, userId));
    return { secret, otpauthUrl: generateURI({ issuer: 'WalkyDoggy', label: user.email, secret }) };
  }

  async function enable(userId: string, code: string, meta: RequestMeta): Promise<string[]> {
    return p.db.transaction(async (tx) => {
      const user = await q.findUserById(tx, userId);
      if (!user) throw new Unauthorized();
      if (user.totpEnabledAt) throw new Conflict('Two-factor sign-in is already on.');
      if (!user.totpPendingSecret) throw new AppError(400, 'BAD_REQUEST', 'Start the set-up first.');
      if (!(await acceptTotp(tx, userId, user.totpPendingSecret, code)))
        throw ValidationFailed.field('body.code', 'That code is not correct. Check the time on your phone and try the next code.');
      await tx
        .update(users)
        .set({ totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: p.clock.now(), updatedAt: p.clock.now() })
        .where(eq(users.id, userId));
      await audit(tx, { actorId: userId, action: 'auth.2fa.enabled', targetType: 'user', targetId: userId, ...meta });
      return issueRecoveryCodes(tx, userId);
    });
  }

  async function disable(
    userId: string,
    input: { password: string; code?: string; recoveryCode?: string },
    meta: RequestMeta,
    passwords: Platform['passwords'],
  ) {
    const user = await q.findUserById(p.db, userId);
    if (!user || !user.totpEnabledAt) throw new Conflict('Two-factor sign-in is not on.');
    if (user.role === 'business' && (await p.settings.get()).requireTwoFactorForBusiness)
      throw new Forbidden('Two-factor sign-in is required for business accounts and cannot be turned off.');
    if (!(await passwords.verify(user.passwordHash, input.password))) throw ValidationFailed.field('body.password', 'Your password is not correct.');
    if (!(await checkSecondFactor(user, input))) throw ValidationFailed.field('body.code', 'That code is not correct.');
    await p.db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: p.clock.now() })
        .where(eq(users.id, userId));
      await q.replaceRecoveryCodes(tx, userId, []);
      await audit(tx, { actorId: userId, action: 'auth.2fa.disabled', targetType: 'user', targetId: userId, ...meta });
    });
  }

  async function regenerateRecoveryCodes(userId: string, code: string, meta: RequestMeta): Promise<string[]> {
    const user = await q.findUserById(p.db, userId);
    if (!user?.totpSecret) throw new Conflict('Two-factor sign-in is not on.');
    if (!(await acceptTotp(p.db, userId, user.totpSecret, code))) throw ValidationFailed.field('body.code', 'That code is not correct.');
    return p.db.transaction(async (tx) => {
      await audit(tx, { actorId: userId, action: 'auth.2fa.recovery_codes_regenerated', targetType: 'user', targetId: userId, ...meta });
      return issueRecoveryCodes(tx, userId);
    });
  }

  async function remainingRecoveryCodes(exec: Executor, userId: string): Promise<number> {
    const [row] = await exec
      .select({ n: sql<number>`count(*)::int` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
    return row?.n ?? 0;
  }

  return { challengeFor, userForChallenge, checkSecondFactor, setup, enable, disable, regenerateRecoveryCodes, remainingRecoveryCodes };
}
export type TwoFactor = ReturnType<typeof createTwoFactor>;
