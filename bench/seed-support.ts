/**
 * What the benchmarks' seeds share: a migrated scratch PostgreSQL database, bench accounts, and
 * access tokens signed exactly as the API signs them (so the seeded accounts can call it at once).
 */
import crypto from 'node:crypto';
import { BENCH_TOKEN_SECONDS, JWT_SECRET } from './support.js';

export type BenchRole = 'pet_owner' | 'business' | 'worker';

/** `list` in slices of `size`: a multi-row insert stays under PostgreSQL's 65,535 parameters. */
export const chunks = <T>(list: T[], size = 1000): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

/** Operating hours or a worker's weekly window, the same every day of the week. */
export const everyDay = (open: string, close: string) => [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open, close }));

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
 * per run thanks to `tag` (also usable in other unique values, like booking numbers), `insertPeople`
 * inserts many and `sessions` opens a session for each of a list of accounts.
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
  const { users, refreshTokens } = await import('@walkydoggy/shared/db');
  /** One open session (a refresh-token family with one token) per user, as a sign-in leaves it: user id → session id. */
  async function sessions(userIds: string[]): Promise<Map<string, string>> {
    const rows = userIds.map((userId) => ({
      userId,
      familyId: crypto.randomUUID(),
      tokenHash: crypto.randomBytes(32).toString('hex'),
      expiresAt: new Date(now.getTime() + 7 * 86_400_000),
    }));
    for (const part of chunks(rows)) await database.db.insert(refreshTokens).values(part);
    return new Map(rows.map((r) => [r.userId, r.familyId]));
  }
  /** `count` accounts of a role (`person(role, from)` …), their ids in order. */
  const insertPeople = async (role: BenchRole, count: number, from = 0): Promise<string[]> => {
    const ids: string[] = [];
    for (const part of chunks(Array.from({ length: count }, (_, i) => person(role, from + i))))
      ids.push(...(await database.db.insert(users).values(part).returning({ id: users.id })).map((r) => r.id));
    return ids;
  };
  return { database, db: database.db, now, tag, person, sessions, insertPeople };
}
