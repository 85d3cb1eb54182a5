import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { serviceWorkers, workers } from '@walkydoggy/shared/db';
import type { Tx } from '../../platform/db.js';
import { bumpSessionVersion, revokeAllRefreshTokens } from '../auth/auth.queries.js';

/**
 * Removes active workers matching `where` and ends their sessions at once: the session version in
 * every access token they hold no longer matches, and their refresh tokens are revoked.
 */
async function removeWhere(tx: Tx, where: SQL, now: Date): Promise<{ id: string; userId: string }[]> {
  const removed = await tx
    .update(workers)
    .set({ status: 'removed', removedAt: now, updatedAt: now })
    .where(and(where, eq(workers.status, 'active')))
    .returning({ id: workers.id, userId: workers.userId });
  for (const w of removed) {
    await bumpSessionVersion(tx, w.userId, now);
    await revokeAllRefreshTokens(tx, w.userId, now);
  }
  if (removed.length)
    await tx.delete(serviceWorkers).where(
      inArray(
        serviceWorkers.workerId,
        removed.map((w) => w.id),
      ),
    );
  return removed;
}

export async function removeWorker(tx: Tx, businessId: string, workerId: string, now: Date) {
  const [removed] = await removeWhere(tx, and(eq(workers.id, workerId), eq(workers.businessId, businessId))!, now);
  return removed;
}

/** Removes the business's whole team; returns the accounts of the workers removed. */
export async function removeAllWorkersOf(tx: Tx, businessId: string, now: Date): Promise<string[]> {
  return (await removeWhere(tx, eq(workers.businessId, businessId), now)).map((w) => w.userId);
}
