import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { idempotencyKeys } from '@walkydoggy/shared/db';
import { retryTransient, type Db, type Tx } from './db.js';
import { Conflict, Unprocessable, ValidationFailed } from './errors.js';

/** The creating requests that accept an `Idempotency-Key` header. */
export type IdempotencyScope = 'bookings.create' | 'booking-series.create' | 'payments.intent';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** JSON with object keys sorted, so two equal bodies hash the same whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The `Idempotency-Key` header of a request, checked; undefined when absent. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || !KEY.test(key)) throw ValidationFailed.field('headers.idempotency-key', 'Idempotency-Key must be 1 to 200 visible ASCII characters.');
  return key;
}

export type Idempotent<T> = { body: T; statusCode: number; replayed: boolean };

/**
 * Runs `create` in a transaction at most once per (user, scope, key). The key row is inserted first in
 * the same transaction, so a concurrent retry waits on it and then replays the stored result; a
 * failed `create` rolls the key back with everything else, so the retry runs again. The same key with
 * a different body is a 422. Without a key, `create` simply runs in a transaction. A transaction that
 * PostgreSQL aborts as a deadlock victim runs again (`retryTransient`): all of it was rolled back.
 *
 * The result is stored as JSON and returned as JSON (dates as strings) on both paths, so the first
 * answer and a replay are identical.
 */
export async function idempotent<T>(
  db: Db,
  args: { userId: string; scope: IdempotencyScope; key: string | undefined; body: unknown; statusCode: number },
  create: (tx: Tx) => Promise<T>,
): Promise<Idempotent<T>> {
  const asJson = (v: T) => JSON.parse(JSON.stringify(v)) as T;
  if (!args.key) {
    const body = await retryTransient(() => db.transaction(create));
    return { body: asJson(body), statusCode: args.statusCode, replayed: false };
  }
  const key = args.key;
  const requestHash = crypto.createHash('sha256').update(canonical(args.body)).digest('hex');
  const where = and(eq(idempotencyKeys.userId, args.userId), eq(idempotencyKeys.scope, args.scope), eq(idempotencyKeys.key, key));
  return retryTransient(() =>
    db.transaction(async (tx) => {
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({ userId: args.userId, scope: args.scope, key, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (!inserted.length) {
        const [seen] = await tx.select().from(idempotencyKeys).where(where);
        if (!seen) throw new Conflict('A request with this Idempotency-Key is still being processed; retry shortly.');
        if (seen.requestHash !== requestHash) throw new Unprocessable('This Idempotency-Key was already used with a different request.');
        if (seen.statusCode === null) throw new Conflict('A request with this Idempotency-Key is still being processed; retry shortly.');
        return { body: seen.response as T, statusCode: seen.statusCode, replayed: true };
      }
      const body = asJson(await create(tx));
      await tx.update(idempotencyKeys).set({ response: body, statusCode: args.statusCode }).where(where);
      return { body, statusCode: args.statusCode, replayed: false };
    }),
  );
}
