/**
 * What the benchmarks' seeds share: a migrated scratch PostgreSQL database, bench accounts, and
 * access tokens signed exactly as the API signs them (so the seeded accounts can call it at once).
 */
import crypto from 'node:crypto';
import { BENCH_TOKEN_SECONDS, JWT_SECRET } from './support.js';

export type BenchRole = 'pet_owner' | 'business' | 'worker';

/**
 * An access token as the API signs one (HS256, the claims of `AccessClaims`, typ access) for the session
 * `sid` (a refresh-token family that `sessions` wrote), living as long as the bench servers allow.
 */
export function accessToken(sub: string, role: BenchRole, sid: string, validSeconds = BENCH_TOKEN_SECONDS): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, ev: true, sv: 1, sid, typ: 'access', iat: now, exp: now + validSeconds })}`;
  return `${unsigned}.${crypto.createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

/**
 * Opens and migrates the database at `dbUrl`; `person` makes a verified bench account of a role, unique
 * per run thanks to `tag` (also usable in other unique values, like booking numbers).
 */
export async function openSeedDatabase(dbUrl: string) {
  const { postgresDatabase } = await import('../apps/api/src/platform/db.js');
  const database = postgresDatabase(dbUrl, 4);
  await database.migrate();
  const now = new Date();
  const tag = crypto.randomBytes(3).toString('hex');
  const person = (role: BenchRole, i: number) => ({
    email: `${role}-${i}-${tag}@bench.walkydoggy.test`,
    role,
    firstName: `${role === 'worker' ? 'Walker' : role === 'business' ? 'Boss' : 'Owner'}${i}`,
    lastName: 'Bench',
    emailVerifiedAt: now,
  });
  /** One open session (a refresh-token family with one token) per user, as a sign-in leaves it: user id → session id. */
  async function sessions(userIds: string[]): Promise<Map<string, string>> {
    const { refreshTokens } = await import('@walkydoggy/shared/db');
    const rows = userIds.map((userId) => ({
      userId,
      familyId: crypto.randomUUID(),
      tokenHash: crypto.randomBytes(32).toString('hex'),
      expiresAt: new Date(now.getTime() + 7 * 86_400_000),
    }));
    for (let i = 0; i < rows.length; i += 1000) await database.db.insert(refreshTokens).values(rows.slice(i, i + 1000));
    return new Map(rows.map((r) => [r.userId, r.familyId]));
  }
  return { database, db: database.db, now, tag, person, sessions };
}
