import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, type Queue } from '../../src/platform/queue.js';
import { rowsOf, type Database } from '../../src/platform/db.js';
import { testDatabase } from '../support/database.js';

/**
 * JOB_EXPIRE_SECONDS (platform/queue.ts): a job still active after its expiry (its process died) is
 * failed by pg-boss's supervisor and comes back for a retry, within about that many seconds.
 */
let database: Database;
let release: () => Promise<void>;
let queue: Queue;
beforeAll(async () => {
  ({ database, release } = await testDatabase());
  queue = createQueue(database, pino({ level: 'silent' }) as never, { expireSeconds: 2 });
  await queue.start({ workers: false });
});
afterAll(async () => {
  await queue.stop(2000);
  await release();
});

type JobRow = { state: string; retry_count: number; expire_seconds: number; retry_limit: number };
async function job(deliveryId: string) {
  return rowsOf<JobRow>(
    await database.db.execute(sql`select state, retry_count, expire_seconds, retry_limit from pgboss.job where data->>'deliveryId' = ${deliveryId}`),
  )[0]!;
}

describe('job expiry', () => {
  it('gives jobs the configured expiry (or the one asked for) and retries a job whose worker died', async () => {
    await queue.enqueue(database.db, 'notifications.deliver', { deliveryId: 'single' });
    await queue.enqueueMany(database.db, 'notifications.deliver', [{ deliveryId: 'many' }], { expireInSeconds: 30, retryLimit: 8 });
    expect(await job('single')).toMatchObject({ state: 'created', expire_seconds: 2, retry_limit: 5 });
    expect(await job('many')).toMatchObject({ state: 'created', expire_seconds: 30, retry_limit: 8 });

    // A worker took the job and died: it stays active, nobody completes it.
    await database.db.execute(sql`update pgboss.job set state = 'active', started_on = now() where data->>'deliveryId' = 'single'`);
    const until = Date.now() + 15_000;
    let row = await job('single');
    while (row.state === 'active' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      row = await job('single');
    }
    expect(row.state).toBe('retry');
  }, 30_000);
});
