import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../app.js';
import { deliverJob } from './notifications.deliver.js';
import { deleteOlderThan } from './notifications.queries.js';

/** In-app notifications (and their deliveries) are kept this long. */
export const NOTIFICATION_RETENTION_DAYS = 90;
const EVERY_HOUR = 60 * 60_000;

/**
 * `notifications.deliver` and `notifications.cleanup`. A process that runs job workers enqueues the
 * cleanup at start and every hour after (the singleton key keeps one waiting at a time).
 */
export function registerNotificationJobs(app: FastifyInstance, p: Platform) {
  p.queue.handle('notifications.deliver', deliverJob(p));
  p.queue.handle('notifications.cleanup', async () => {
    const removed = await deleteOlderThan(p.db, new Date(p.clock.now().getTime() - NOTIFICATION_RETENTION_DAYS * 24 * 60 * 60_000));
    if (removed) app.log.info({ removed }, 'old notifications deleted');
  });
  if (!p.config.jobs.workers) return;
  let timer: NodeJS.Timeout | null = null;
  const sweep = () =>
    p.queue
      .enqueue(p.db, 'notifications.cleanup', {}, { singletonKey: 'notifications.cleanup' })
      .catch((err: unknown) => app.log.error({ err }, 'could not enqueue the notification cleanup'));
  app.addHook('onReady', async () => {
    await sweep();
    timer = setInterval(() => void sweep(), EVERY_HOUR);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
