import type { FastifyInstance } from 'fastify';
import { DELIVERY_JOB_NAMES, deliveryJobName, NOTIFICATION_CHANNELS } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { scheduleEvery } from '../../platform/schedule.js';
import { deliverJob } from './notifications.deliver.js';
import { deleteOlderThan, stuckDeliveries } from './notifications.queries.js';
import { DELIVERY_RETRY_LIMIT } from '../../platform/notifier.js';

/** In-app notifications (and their deliveries) are kept this long. */
export const NOTIFICATION_RETENTION_DAYS = 90;
/** A delivery that could not be sent is tried again every hour for this long, then marked failed. */
export const DELIVERY_GIVE_UP_DAYS = 3;
const DAY_MS = 24 * 60 * 60_000;
const EVERY_HOUR = 60 * 60_000;

/**
 * The delivery jobs (one queue per channel, and `notifications.deliver` for jobs enqueued before the
 * split) and `notifications.cleanup`. A process that runs job workers enqueues the
 * cleanup at start and every hour after (the singleton key keeps one waiting at a time). The cleanup
 * also gives a new job to deliveries whose job ran out of retries (a mail server down for hours),
 * so a failed send is never simply dropped.
 */
export function registerNotificationJobs(app: FastifyInstance, p: Platform) {
  const deliver = deliverJob(p);
  for (const name of DELIVERY_JOB_NAMES) p.queue.handle(name, deliver);
  p.queue.handle('notifications.cleanup', async () => {
    const now = p.clock.now();
    const removed = await deleteOlderThan(p.db, new Date(now.getTime() - NOTIFICATION_RETENTION_DAYS * DAY_MS));
    if (removed) app.log.info({ removed }, 'old notifications deleted');
    await p.db.transaction(async (tx) => {
      const stuck = await stuckDeliveries(tx, now, new Date(now.getTime() - DELIVERY_GIVE_UP_DAYS * DAY_MS));
      for (const channel of NOTIFICATION_CHANNELS)
        await p.queue.enqueueMany(
          tx,
          deliveryJobName(channel),
          stuck.retry.filter((d) => d.channel === channel).map((d) => ({ deliveryId: d.id })),
          { retryLimit: DELIVERY_RETRY_LIMIT },
        );
      if (stuck.retry.length || stuck.failed) app.log.warn({ retried: stuck.retry.length, failed: stuck.failed }, 'undelivered notifications');
    });
  });
  scheduleEvery(app, p, 'notifications.cleanup', EVERY_HOUR);
}
