import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { postgis } from '@electric-sql/pglite-postgis';
import crypto from 'node:crypto';
import { Column, getTableColumns, is, sql, SQL, Table, type Query } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PgDatabase, PgQueryResultHKT, PgTransaction, SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import * as schema from '@walkydoggy/shared/db';
import type { Config } from './config.js';
import { migrationsFolder } from './paths.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: query modules accept both. */
export type Executor = Db | Tx;

export type Database = {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** The PGlite instance in the embedded mode (pg-boss shares it). */
  pglite: PGlite | null;
  /** Connection string in the production mode (pg-boss opens its own small pool). */
  url: string | null;
  migrate(): Promise<void>;
  pendingMigrations(): Promise<number>;
  /**
   * Runs a read statement as a named prepared statement on PostgreSQL (planned once per connection
   * and statement text, not on every call: for hot queries the planning is a large share of the
   * cost); on PGlite it simply executes it. For raw SQL on the pool; `preparedStatements` below
   * does the same for drizzle queries on any executor, a transaction included.
   */
  prepared<T>(statement: SQL): Promise<T[]>;
  close(): Promise<void>;
};

export const pgliteExtensions = { postgis, btree_gist, citext };
const dialect = new PgDialect();

export async function openPglite(dir: string | undefined, loadDataDir?: Blob): Promise<PGlite> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  return PGlite.create({ dataDir: dir, extensions: pgliteExtensions, ...(loadDataDir ? { loadDataDir } : {}) });
}

export function pgliteDatabase(pglite: PGlite, ownsClient = true): Database {
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite,
    url: null,
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    pendingMigrations: () => pendingMigrations(db),
    prepared: async <T>(statement: SQL) => rowsOf<T>(await db.execute(statement)),
    close: async () => {
      if (ownsClient && !pglite.closed) await pglite.close();
    },
  };
}

/**
 * `statementTimeoutMs`: PostgreSQL cancels any statement of this pool that runs longer (SQLSTATE 57014,
 * answered 503 by the error handler), so no request can hold a connection and a core for minutes.
 * Migrations pass 0 (no limit).
 */
export function postgresDatabase(url: string, poolMax = 10, statementTimeoutMs = 0): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}) });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pglite: null,
    url,
    migrate: () => migratePg(db as never, { migrationsFolder }),
    pendingMigrations: () => pendingMigrations(db),
    async prepared<T>(statement: SQL) {
      const { sql: text, params } = dialect.sqlToQuery(statement);
      // The name follows the text, so one name never stands for two statements on a connection.
      const name = `wd_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      return (await pool.query({ name, text, values: params as unknown[] })).rows as T[];
    },
    close: () => pool.end(),
  };
}

export async function openDatabase(config: Config): Promise<Database> {
  if (config.database.kind === 'postgres') return postgresDatabase(config.database.url, config.database.poolMax, config.database.statementTimeoutMs);
  return pgliteDatabase(await openPglite(config.database.dir));
}

/** Number of committed migrations not yet applied to this database. */
async function pendingMigrations(db: Db): Promise<number> {
  const journal = JSON.parse(fs.readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  try {
    const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const applied = Number((rows as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
    return Math.max(0, journal.entries.length - applied);
  } catch {
    return journal.entries.length;
  }
}

/** Rows of a raw `db.execute`, whichever driver ran it. */
/** SQLSTATE of a database error, whichever driver (and Drizzle's wrapper) raised it. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++)
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return undefined;
}

/** Deadlock detected, serialization failure: the transaction was rolled back whole and may simply run again. */
const TRANSIENT = new Set(['40P01', '40001']);

/**
 * Runs `transaction` (which opens and commits its own transaction) again when PostgreSQL aborted it
 * as a deadlock victim or a serialization failure, up to `attempts` times, after a short random pause.
 * Concurrent inserts that conflict on an exclusion constraint can wait on each other in a circle; the
 * victim then gets 40P01 instead of the constraint's 23P01, and its retry sees the winner's row and
 * answers as every other loser does.
 */
export async function retryTransient<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= attempts || !TRANSIENT.has(sqlStateOf(err) ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}

export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/*
 * Statements built once and run as named prepared statements on any executor, a transaction
 * included (the booking path's). Building a query with drizzle (walking its tables and columns) cost
 * more Node time per booking than anything else, and planning each statement half of PostgreSQL's
 * time; `Database.prepared` saves the planning for raw SQL on the pool only.
 *
 * A statement is built per shape (say, per number of pets: `inArray` writes one parameter per
 * value) with `sql.placeholder(name)` where the values go, and its values are filled in per call by
 * drizzle, through the columns' encoders where a placeholder stands for a column's value. Rows are
 * mapped by drizzle as for any select.
 */

/** The selection as drizzle's result mapping takes it: each field with its path, in select order. */
function orderedFields(selection: Record<string, unknown>, path: string[] = []): SelectedFieldsOrdered {
  return Object.entries(selection).flatMap(([name, field]): SelectedFieldsOrdered => {
    const at = [...path, name];
    if (is(field, Column) || is(field, SQL) || is(field, SQL.Aliased)) return [{ path: at, field: field as SelectedFieldsOrdered[number]['field'] }];
    if (is(field, Table)) return orderedFields(getTableColumns(field), at);
    return orderedFields(field as Record<string, unknown>, at);
  });
}

type Buildable = { toSQL(): Query; execute(): Promise<unknown> };
type Built = { query: Query; fields: SelectedFieldsOrdered; name: string };

/**
 * A family of statements: `build(exec, shape)` gives the query (built, not run, on any executor) and
 * the selection it selects, for each shape a caller asks for; the returned function runs the one of
 * `shape` on `exec` with `values` for its placeholders. The statement is named after its text, so
 * one name never stands for two statements on a connection (PGlite ignores names).
 */
export function preparedStatements<Shape extends string | number, B extends Buildable>(
  build: (exec: Executor, shape: Shape) => { query: B; selection: Record<string, unknown> },
): (exec: Executor, shape: Shape, values: Record<string, unknown>) => Promise<Awaited<ReturnType<B['execute']>>> {
  const byShape = new Map<Shape, Built>();
  return (exec, shape, values) => {
    let built = byShape.get(shape);
    if (!built) {
      const { query, selection } = build(exec, shape);
      const text = query.toSQL();
      built = { query: text, fields: orderedFields(selection), name: `wd_${crypto.createHash('sha1').update(text.sql).digest('hex').slice(0, 20)}` };
      byShape.set(shape, built);
    }
    return exec._.session.prepareQuery(built.query, built.fields, built.name, true).execute(values) as Promise<Awaited<ReturnType<B['execute']>>>;
  };
}
