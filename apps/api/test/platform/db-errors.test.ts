import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseErrorToHttp } from '../../src/platform/db-errors.js';
import { AppError } from '../../src/platform/errors.js';
import type { Database } from '../../src/platform/db.js';
import { testDatabase } from '../support/database.js';

/** Real errors from the database (PGlite or PostgreSQL), and what the error handler answers for them. */
let database: Database;
let release: () => Promise<void>;
beforeAll(async () => {
  ({ database, release } = await testDatabase());
  await database.db.execute(sql`create table if not exists t_parent (id int primary key)`);
  await database.db.execute(sql`create table if not exists t_child (parent_id int references t_parent(id), note text check (length(note) < 5))`);
});
afterAll(async () => {
  await database.db.execute(sql`drop table if exists t_child, t_parent`);
  await release();
});

async function answerFor(statement: ReturnType<typeof sql>): Promise<AppError | null> {
  try {
    await database.db.execute(statement);
  } catch (err) {
    return databaseErrorToHttp(err);
  }
  throw new Error('the statement did not fail');
}

describe('databaseErrorToHttp', () => {
  it('a reference to nothing is 422, a row still referenced is 409, a duplicate is 409, a check is 422', async () => {
    expect(await answerFor(sql`insert into t_child (parent_id) values (42)`)).toMatchObject({ statusCode: 422, code: 'UNPROCESSABLE' });
    await database.db.execute(sql`insert into t_parent values (1)`);
    await database.db.execute(sql`insert into t_child (parent_id) values (1)`);
    expect(await answerFor(sql`delete from t_parent where id = 1`)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(await answerFor(sql`insert into t_parent values (1)`)).toMatchObject({ statusCode: 409 });
    expect(await answerFor(sql`insert into t_child (note) values ('too long')`)).toMatchObject({ statusCode: 422 });
  });
  it('malformed or out-of-range values (class 22) are 400', async () => {
    expect(await answerFor(sql`select ${'abc'}::int`)).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    expect(await answerFor(sql`select ${'10000-01-01T00:00:00Z'}::timestamptz + interval '300000 years'`)).toMatchObject({ statusCode: 400 });
    expect(await answerFor(sql`select 1 / 0`)).toMatchObject({ statusCode: 400 });
  });
  it('leaves errors that are not the database as they are (a 500 stays a 500)', () => {
    expect(databaseErrorToHttp(new TypeError('x is undefined'))).toBeNull();
    expect(databaseErrorToHttp(Object.assign(new Error('syntax'), { code: '42601' }))).toBeNull();
  });
  it('a lost connection or a busy database is a 503 with Retry-After', () => {
    const refused = databaseErrorToHttp(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(refused).toMatchObject({ statusCode: 503, headers: { 'retry-after': '2' } });
    expect(databaseErrorToHttp(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toMatchObject({ statusCode: 503 });
    expect(databaseErrorToHttp(new Error('timeout exceeded when trying to connect'))).toMatchObject({ statusCode: 503 });
  });
});
