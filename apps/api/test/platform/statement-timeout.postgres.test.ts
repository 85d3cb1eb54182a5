import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { postgresDatabase, rowsOf, type Database } from '../../src/platform/db.js';
import { databaseErrorToHttp } from '../../src/platform/db-errors.js';
import { withDatabase } from '../support/global-setup.js';

/** DATABASE_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a long statement, and the caller gets a 503, not a hung request. */
let database: Database;
beforeAll(() => {
  const provided = inject('database');
  if (provided.kind !== 'postgres') throw new Error('this file runs on PostgreSQL only (TEST_DATABASE_URL)');
  database = postgresDatabase(withDatabase(provided.adminUrl, provided.template), 1, 200);
});
afterAll(() => database.close());

it('cancels a statement that runs past the timeout (57014 → 503 with Retry-After); the pool stays usable', async () => {
  const started = Date.now();
  const error = await database.db.execute(sql`select pg_sleep(5)`).then(
    () => null,
    (err: unknown) => err,
  );
  expect(Date.now() - started).toBeLessThan(4000);
  expect(databaseErrorToHttp(error)).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
  expect(rowsOf(await database.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
});
