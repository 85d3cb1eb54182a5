import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { emailTokens, loginFailures, recoveryCodes, refreshTokens, users } from '@walkydoggy/shared/db';
import { rowsOf, type Executor } from '../../platform/db.js';

export type EmailTokenPurpose = 'verify_email' | 'reset_password';
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

export function findUserByEmail(exec: Executor, email: string) {
  return exec.query.users.findFirst({ where: eq(users.email, email) });
}
export function findUserById(exec: Executor, id: string) {
  return exec.query.users.findFirst({ where: eq(users.id, id) });
}

export async function insertEmailToken(exec: Executor, v: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; expiresAt: Date }) {
  await exec.insert(emailTokens).values(v);
}

/** Locks the token row so two uses of one link cannot both succeed. */
export async function lockEmailToken(exec: Executor, tokenHash: string, purpose: EmailTokenPurpose) {
  const [row] = await exec
    .select()
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, tokenHash), eq(emailTokens.purpose, purpose)))
    .for('update');
  return row;
}

/** Uses up every open token of that purpose: one successful link invalidates the older ones too. */
export async function useEmailTokens(exec: Executor, userId: string, purpose: EmailTokenPurpose, now: Date) {
  await exec
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
}

export async function insertRefreshToken(
  exec: Executor,
  v: { userId: string; familyId: string; tokenHash: string; expiresAt: Date; userAgent: string | null; ip: string | null },
) {
  await exec.insert(refreshTokens).values({ ...v, userAgent: v.userAgent?.slice(0, 300) ?? null });
}

export async function lockRefreshToken(exec: Executor, tokenHash: string) {
  const [row] = await exec.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update');
  return row;
}

export async function markRefreshTokenUsed(exec: Executor, id: string, now: Date) {
  await exec.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.id, id));
}

export async function revokeFamily(exec: Executor, familyId: string, now: Date) {
  await exec
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Revokes every session of the user; returns the sessions (families) that were still open. */
export async function revokeAllRefreshTokens(exec: Executor, userId: string, now: Date): Promise<string[]> {
  const rows = await exec
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .returning({ familyId: refreshTokens.familyId });
  return [...new Set(rows.map((r) => r.familyId))];
}

/** Ends every access token of the user (they carry the session version). */
export async function bumpSessionVersion(exec: Executor, userId: string, now: Date) {
  await exec
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: now })
    .where(eq(users.id, userId));
}

export async function lockedUntil(exec: Executor, email: string, now: Date): Promise<Date | null> {
  const [row] = await exec
    .select({ lockedUntil: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(and(eq(loginFailures.email, email), gt(loginFailures.lockedUntil, now)));
  return row?.lockedUntil ?? null;
}

/**
 * Counts a failed sign-in for an e-mail address in one statement (safe under concurrency) and
 * returns the lock end when this failure reached the threshold. Failures older than the lockout
 * window, or from before an expired lock, start the count again.
 */
export async function recordLoginFailure(exec: Executor, email: string, now: Date): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - LOCKOUT_MS);
  const lockEnd = new Date(now.getTime() + LOCKOUT_MS);
  const result = await exec.execute<{ locked_until: Date | string | null }>(sql`
    insert into login_failures (email, count, last_failed_at, locked_until)
    values (${email}, 1, ${now.toISOString()}, null)
    on conflict (email) do update set
      count = case
        when login_failures.last_failed_at < ${windowStart.toISOString()} or login_failures.locked_until is not null then 1
        else login_failures.count + 1 end,
      last_failed_at = excluded.last_failed_at,
      locked_until = case
        when login_failures.last_failed_at >= ${windowStart.toISOString()} and login_failures.locked_until is null
             and login_failures.count + 1 >= ${LOCKOUT_THRESHOLD} then ${lockEnd.toISOString()}::timestamptz
        else null end
    returning locked_until`);
  const value = rowsOf<{ locked_until: Date | string | null }>(result)[0]?.locked_until;
  return value ? new Date(value) : null;
}

export async function clearLoginFailures(exec: Executor, email: string) {
  await exec.delete(loginFailures).where(eq(loginFailures.email, email));
}

export async function replaceRecoveryCodes(exec: Executor, userId: string, codeHashes: string[]) {
  await exec.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (codeHashes.length) await exec.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Marks an unused recovery code as used; true when there was one. */
export async function useRecoveryCode(exec: Executor, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const used = await exec
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return used.length > 0;
}
