import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { ValidationFailed } from '../../platform/errors.js';

/**
 * Keyset pagination over (created_at, id), newest first. The cursor carries the timestamp as
 * PostgreSQL prints it, so microseconds survive the round trip (a JS Date would drop them).
 */
export function cursorKey(createdAt: AnyColumn, id: AnyColumn): SQL<string> {
  return sql<string>`${createdAt}::text || '|' || ${id}::text`;
}

export function olderThanCursor(createdAt: AnyColumn, id: AnyColumn, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const [ts, key] = decoded.split('|');
  if (!ts || !key || !/^[0-9a-f-]{36}$/i.test(key) || !/^\d{4}-\d{2}-\d{2} [\d:.]+[+-][\d:]+$/.test(ts))
    throw ValidationFailed.field('querystring.cursor', 'This cursor is not valid: use the nextCursor of the previous page.');
  return sql`(${createdAt}, ${id}) < (${ts}::timestamptz, ${key}::uuid)`;
}

/** Splits the `limit + 1` rows a query fetched into a page and the cursor of the next one. */
export function toPage<T extends { cursorKey: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(last.cursorKey, 'utf8').toString('base64url') : null };
}
