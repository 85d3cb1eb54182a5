import crypto from 'node:crypto';
import { PgBoss, fromPglite } from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import { JOB_NAMES, type JobMap, type JobName } from '@walkydoggy/shared';
import type { Database, Executor } from './db.js';

export type JobHandler<N extends JobName> = (data: JobMap[N], meta: { jobId: string }) => Promise<void>;
export type EnqueueOptions = {
  startAfterSeconds?: number;
  singletonKey?: string;
  /** At most one job of this name (and singletonKey) per time slot of this many seconds; more are dropped. */
  singletonSeconds?: number;
  /** How long the job may stay active before pg-boss takes its worker for dead and retries it (default: `expireSeconds`). */
  expireInSeconds?: number;
  /** Retries after a failure (default 5), with exponential backoff. */
  retryLimit?: number;
};
/**
 * `expireSeconds`: config.jobs.expireSeconds (JOB_EXPIRE_SECONDS); pg-boss's own default is 15 minutes.
 * `concurrency` (JOB_CONCURRENCY): jobs of one queue this process works at once (default 1);
 * `batchSize` (JOB_BATCH_SIZE): jobs one fetch takes (at most `concurrency`).
 */
export type QueueOptions = { expireSeconds?: number; concurrency?: number; batchSize?: number };

export type Queue = {
  /**
   * Adds a job through `exec`: pass the transaction of the write that causes the job, so the job
   * exists exactly when that write commits.
   */
  enqueue<N extends JobName>(exec: Executor, name: N, data: JobMap[N], options?: EnqueueOptions): Promise<void>;
  /** Adds several jobs of one name through `exec` in one statement, each as `enqueue` would (the same options for all). */
  enqueueMany<N extends JobName>(exec: Executor, name: N, data: JobMap[N][], options?: Omit<EnqueueOptions, 'singletonKey'>): Promise<void>;
  handle<N extends JobName>(name: N, handler: JobHandler<N>): void;
  start(opts: { workers: boolean }): Promise<void>;
  /** Runs every job that is due now, in this process, and returns how many ran (tests, CLIs). */
  drain(): Promise<number>;
  stop(timeoutMs?: number): Promise<void>;
};

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const statementNames = new Map<string, string>();
/**
 * pg-boss's statements on `exec` (a transaction, usually), as named prepared statements: it sends
 * the same few long texts for every job, which PostgreSQL then parses and plans once per connection
 * instead of every time (PGlite ignores names). Replaces pg-boss's `fromDrizzle`, which also
 * re-parses the text for placeholders on every call; parameters are bound as they are (pg-boss's
 * job inserts bind one JSON text).
 */
function preparedOn(exec: Executor) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      let name = statementNames.get(text);
      if (!name) statementNames.set(text, (name = `wd_boss_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
      const result = await exec._.session.prepareQuery({ sql: text, params: values }, undefined, name, false).execute();
      return { rows: (result as { rows: unknown[] }).rows };
    },
  };
}

export function createQueue(database: Database, log: FastifyBaseLogger, queueOptions: QueueOptions = {}): Queue {
  const expireSeconds = queueOptions.expireSeconds ?? 900;
  const concurrency = queueOptions.concurrency ?? 1;
  const batchSize = Math.min(queueOptions.batchSize ?? 1, concurrency);
  // The supervisor fails (and so retries) jobs active for longer than their expiry, on its monitor
  // pass: pass at least as often as a job expires, so a job whose process died is retried about
  // `expireSeconds` later, not up to two minutes after that (pg-boss passes every 60 s by default).
  const passSeconds = Math.max(1, Math.min(60, expireSeconds));
  const supervision = { supervise: true, superviseIntervalSeconds: passSeconds, monitorIntervalSeconds: passSeconds };
  const boss = database.pglite
    ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', ...supervision, schedule: false })
    : new PgBoss({ connectionString: database.url!, max: 4, ...supervision, schedule: false });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  const handlers = new Map<JobName, JobHandler<JobName>>();
  let started = false;

  async function runOne(name: JobName, job: { id: string; data: unknown }) {
    const handler = handlers.get(name);
    if (!handler) throw new Error(`No handler for job ${name}`);
    await handler(job.data as never, { jobId: job.id });
  }

  return {
    async enqueue(exec, name, data, options = {}) {
      await boss.send(name, data as object, {
        db: preparedOn(exec),
        retryLimit: options.retryLimit ?? 5,
        retryBackoff: true,
        expireInSeconds: options.expireInSeconds ?? expireSeconds,
        ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
      });
    },
    async enqueueMany(exec, name, data, options = {}) {
      if (!data.length) return;
      // `send` with its defaults made explicit: pg-boss's raw `insert` applies none of its own.
      const job = (item: object) => ({
        data: item,
        priority: 0,
        retryLimit: options.retryLimit ?? 5,
        retryBackoff: true,
        expireInSeconds: options.expireInSeconds ?? expireSeconds,
        ...(options.startAfterSeconds ? { startAfter: String(options.startAfterSeconds) } : {}),
      });
      await boss.insert(name, data.map(job), { db: preparedOn(exec) });
    },
    handle(name, handler) {
      handlers.set(name, handler as JobHandler<JobName>);
    },
    async start({ workers }) {
      await boss.start();
      started = true;
      for (const name of JOB_NAMES) {
        await boss.createQueue(name);
        // Warm pg-boss's queue cache now: on a cold cache `send` reads the queue row through its own
        // connection, which on PGlite (one connection) would wait forever for our open transaction.
        await boss.getJobById(name, ZERO_UUID);
      }
      if (!workers) return;
      // Each pg-boss worker fetches a batch (FOR UPDATE SKIP LOCKED, so instances share a queue
      // without taking the same job), runs its jobs at once and settles each job on its own: one
      // failure retries that job only. While fetches come back full it fetches again at once; the
      // poll is only for a queue that has run dry. Enough workers that `concurrency` jobs run at
      // once, so one slow job holds back only the rest of its own batch; an idle worker polls every
      // `workersPerQueue` seconds, so an idle queue is still asked about once a second, whatever the concurrency.
      const workersPerQueue = Math.ceil(concurrency / batchSize);
      const options = {
        batchSize,
        localConcurrency: workersPerQueue,
        perJobResults: true,
        burstWhenBatchFull: true,
        // With batches of one burstWhenBatchFull does nothing: go on while pg-boss's cached count says jobs wait.
        ...(batchSize === 1 ? { burstWhenReadyExceeds: 1 } : {}),
        pollingIntervalSeconds: workersPerQueue,
      };
      for (const name of handlers.keys()) {
        // The workers' batches may add up to a little more than `concurrency`: the rest wait here.
        const slot = limiter(concurrency);
        await boss.work(name, options, (jobs) =>
          Promise.all(
            jobs.map(async (job) => {
              try {
                await slot(() => runOne(name, job));
                return { id: job.id, status: 'completed' as const };
              } catch (err) {
                return { id: job.id, status: 'failed' as const, output: { message: String((err as Error)?.message ?? err) } };
              }
            }),
          ),
        );
      }
    },
    async drain() {
      let ran = 0;
      for (;;) {
        let progressed = false;
        for (const name of handlers.keys()) {
          const jobs = await boss.fetch(name, { batchSize: 20 });
          for (const job of jobs) {
            progressed = true;
            ran++;
            try {
              await runOne(name, job);
              await boss.complete(name, job.id);
            } catch (err) {
              await boss.fail(name, job.id, { message: (err as Error).message });
              throw err;
            }
          }
        }
        if (!progressed) return ran;
      }
    },
    async stop(timeoutMs = 10_000) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: timeoutMs, close: !database.pglite });
    },
  };
}

/** Runs at most `max` of the functions given to it at once; the others wait their turn. */
function limiter(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running < max) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next in line, so `running` never exceeds `max`.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
