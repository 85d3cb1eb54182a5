import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';

/** The periodic sweeps are enqueued when an app with job workers starts, once per period whatever the number of instances. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { JOB_WORKERS: 'true' } });
});
afterAll(async () => t.close());

it('enqueues each sweep at start, and a second instance in the same period adds none', async () => {
  const sweeps = ['bookings.expire-due', 'notifications.cleanup', 'tracking.presence-sweep'];
  /** Jobs per sweep and period slot (pg-boss's singleton_on): a slot never holds two. */
  const slots = async () =>
    rowsOf<{ name: string; slot: Date | null; n: number }>(
      await t.db.execute(
        sql`select name, singleton_on as slot, count(*)::int as n from pgboss.job
            where name in ('bookings.expire-due', 'notifications.cleanup', 'tracking.presence-sweep')
            group by name, singleton_on order by name`,
      ),
    );
  expect([...new Set((await slots()).map((r) => r.name))]).toEqual(sweeps);
  const second = await createTestApp({ env: { JOB_WORKERS: 'true' }, sameDatabaseAs: t });
  await second.close();
  for (const row of await slots()) {
    expect(row.slot, row.name).not.toBeNull();
    expect(row.n, row.name).toBe(1);
  }
});
