import type { FastifyInstance } from 'fastify';
import type { JobMap, JobName } from '@walkydoggy/shared';
import type { Config } from './config.js';
import type { Db } from './db.js';
import type { Queue } from './queue.js';

/** Jobs that take no payload: the periodic sweeps. */
type SweepName = { [N in JobName]: JobMap[N] extends Record<string, never> ? N : never }[JobName];

/**
 * In a process that runs job workers, enqueues the sweep `name` when the app is ready and every
 * `everyMs` after. One job per name and period at most (pg-boss's `singletonSeconds` slot): several
 * instances, each with its own timer, do not pile them up. The timer stops when the app closes. Whichever instance's worker picks the job
 * runs it: the handler is registered by the caller, in every process.
 */
export function scheduleEvery(app: FastifyInstance, p: { queue: Queue; db: Db; config: Config }, name: SweepName, everyMs: number) {
  if (!p.config.jobs.workers) return;
  let timer: NodeJS.Timeout | null = null;
  const enqueue = () =>
    p.queue
      .enqueue(p.db, name, {}, { singletonKey: name, singletonSeconds: Math.max(1, Math.round(everyMs / 1000)) })
      .catch((err: unknown) => app.log.error({ err, job: name }, 'could not enqueue a periodic job'));
  app.addHook('onReady', async () => {
    await enqueue();
    timer = setInterval(() => void enqueue(), everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
