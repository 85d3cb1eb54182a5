import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { PRESENCE_TTL_SECONDS } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { rowsOf } from '../../platform/db.js';
import { scheduleEvery } from '../../platform/schedule.js';
import type { LiveIndex } from '../../platform/live-index.js';
import { PRESENCE_STATE_EVENT } from './presence.service.js';

/**
 * Takes offline every online worker not seen for PRESENCE_TTL_SECONDS (their app was closed, the
 * phone died): one conditional UPDATE, so a worker who sent a position meanwhile stays online. Their
 * entries leave the live index and their business room hears it. Returns how many went offline.
 */
export async function sweepPresence(d: Pick<Platform, 'db' | 'realtime'> & { index: LiveIndex }, now: Date): Promise<number> {
  // Prunes the index's own stale entries (with Redis: also those of workers already offline).
  const staleInIndex = await d.index.expired(now);
  const cutoff = new Date(now.getTime() - PRESENCE_TTL_SECONDS * 1000).toISOString();
  const gone = rowsOf<{ worker_id: string; business_id: string }>(
    await d.db.execute(sql`
      update worker_presence set online_at = null, updated_at = ${now.toISOString()}::timestamptz
      where online_at is not null and (seen_at is null or seen_at < ${cutoff}::timestamptz)
      returning worker_id, business_id`),
  );
  const pruned = new Set(staleInIndex);
  for (const row of gone) {
    if (!pruned.has(row.worker_id)) await d.index.remove(row.worker_id);
    // Every instance's cached "online" must go too, or it would accept this worker's next position.
    d.realtime.broadcastServer(PRESENCE_STATE_EVENT, { workerId: row.worker_id, online: false });
    d.realtime.toBusiness(row.business_id, 'worker:presence', { workerId: row.worker_id, businessId: row.business_id, online: false, location: null });
  }
  return gone.length;
}

const EVERY_MINUTE = 60_000;

/** Handles `tracking.presence-sweep`, run every minute. */
export function registerPresenceSweep(app: FastifyInstance, p: Pick<Platform, 'queue' | 'db' | 'liveIndex' | 'clock' | 'config' | 'realtime'>) {
  p.queue.handle('tracking.presence-sweep', async () => {
    await sweepPresence({ ...p, index: p.liveIndex }, p.clock.now());
  });
  scheduleEvery(app, p, 'tracking.presence-sweep', EVERY_MINUTE);
}
