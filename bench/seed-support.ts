/**
 * What the benchmarks' seeds share: a migrated scratch PostgreSQL database, bench accounts, and
 * access tokens signed exactly as the API signs them (so the seeded accounts can call it at once).
 */
import crypto from 'node:crypto';
import { JWT_SECRET } from './support.js';

export type BenchRole = 'pet_owner' | 'business' | 'worker';

/** An access token as the API signs one (HS256, the claims of `AccessClaims`, typ access). */
export function accessToken(sub: string, role: BenchRole, validSeconds = 3600): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, ev: true, sv: 1, typ: 'access', iat: now, exp: now + validSeconds })}`;
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
  return { database, db: database.db, now, tag, person };
}
