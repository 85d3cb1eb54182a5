import type { FastifyInstance } from 'fastify';
import { and, asc, eq, lte } from 'drizzle-orm';
import { bookings } from '@walkydoggy/shared/db';
import type { Platform } from '../../platform/platform.js';
import type { Db } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { scheduleEvery } from '../../platform/schedule.js';
import type { Transitions } from './bookings.transitions.js';

const BATCH = 100;

/**
 * Expires every pending booking whose answer deadline (`expires_at`) is at or before `now`, each on
 * its own transaction through the transition function as the system, so each one releases its
 * payment and mails its owner. A booking answered meanwhile is left alone (the transition refuses
 * it). Returns how many expired.
 */
export async function expireDue(d: { db: Db; transitions: Transitions }, now: Date): Promise<number> {
  let expired = 0;
  const seen = new Set<string>();
  for (;;) {
    const due = await d.db
      .select({ id: bookings.id })
      .from(bookings)
      .where(and(eq(bookings.status, 'pending'), lte(bookings.expiresAt, now)))
      .orderBy(asc(bookings.expiresAt), asc(bookings.id))
      .limit(BATCH + seen.size);
    const fresh = due.map((r) => r.id).filter((id) => !seen.has(id));
    if (!fresh.length) return expired;
    for (const id of fresh) {
      seen.add(id);
      try {
        await d.db.transaction((tx) => d.transitions.transition(tx, 'system', id, 'expire'));
        expired++;
      } catch (err) {
        // Confirmed, declined or cancelled between the read and the lock: nothing to expire.
        if (!(err instanceof AppError && err.statusCode === 409)) throw err;
      }
    }
  }
}

const EVERY_MINUTE = 60_000;

/** Handles the `bookings.expire-due` job, run every minute (and on demand). */
export function registerExpiry(app: FastifyInstance, p: Pick<Platform, 'queue' | 'db' | 'clock' | 'config'>, expire: (now: Date) => Promise<number>) {
  p.queue.handle('bookings.expire-due', async () => {
    await expire(p.clock.now());
  });
  scheduleEvery(app, p, 'bookings.expire-due', EVERY_MINUTE);
}
