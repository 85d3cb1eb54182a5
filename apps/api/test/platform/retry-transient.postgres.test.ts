import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { retryTransient, type Database } from '../../src/platform/db.js';
import { testDatabase } from '../support/database.js';

/**
 * A real deadlock on PostgreSQL: two transactions lock two rows in opposite orders. PostgreSQL aborts one
 * of them (40P01); with retryTransient the victim runs again once the other has committed, and both succeed.
 */
let database: Database;
let release: () => Promise<void>;
beforeAll(async () => {
  ({ database, release } = await testDatabase());
  await database.db.execute(sql`create table deadlock_demo (id int primary key, n int not null)`);
  await database.db.execute(sql`insert into deadlock_demo values (1, 0), (2, 0)`);
});
afterAll(async () => release());

it('the deadlock victim commits on its retry', async () => {
  const { db } = database;
  let bothHoldTheirFirstRow!: () => void;
  const gate = new Promise<void>((resolve) => (bothHoldTheirFirstRow = resolve));
  let holding = 0;
  let attempts = 0;
  const crossing = (first: number, second: number) =>
    retryTransient(() =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.execute(sql`update deadlock_demo set n = n + 1 where id = ${first}`);
        if (++holding === 2) bothHoldTheirFirstRow();
        await gate;
        await tx.execute(sql`update deadlock_demo set n = n + 1 where id = ${second}`);
      }),
    );
  await Promise.all([crossing(1, 2), crossing(2, 1)]);
  expect(attempts).toBe(3);
  const rows = (await db.execute(sql`select n from deadlock_demo order by id`)) as unknown as { rows: { n: number }[] };
  expect(rows.rows.map((r) => r.n)).toEqual([2, 2]);
});
