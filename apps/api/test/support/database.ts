import crypto from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { inject } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { openPglite, pgliteDatabase, postgresDatabase, rowsOf, type Database } from '../../src/platform/db.js';
import { withDatabase } from './global-setup.js';

let workerPglite: Promise<PGlite> | null = null;

/**
 * A database for one test file, with empty tables. PGlite: one instance per worker, restored from
 * the template dump once and truncated for each file. PostgreSQL: a fresh clone of the template, on a
 * pool of `poolMax` connections (races that must look like production ask for production's 10).
 */
export async function testDatabase(opts: { poolMax?: number } = {}): Promise<{ database: Database; release(): Promise<void> }> {
  const provided = inject('database');
  if (provided.kind === 'pglite') {
    workerPglite ??= openPglite(undefined, new Blob([fs.readFileSync(provided.dump)]));
    const database = pgliteDatabase(await workerPglite, false);
    await truncateAll(database);
    return { database, release: async () => {} };
  }
  const name = `wd_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: provided.adminUrl });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database "${name}" template "${provided.template}"`);
      break;
    } catch (err) {
      // Two clones starting at the same instant can collide on the template; try again shortly.
      if (attempt > 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  const database = postgresDatabase(withDatabase(provided.adminUrl, name), opts.poolMax ?? 5);
  return {
    database,
    async release() {
      await database.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

async function truncateAll(database: Database) {
  const tables = rowsOf<{ name: string }>(
    await database.db.execute(sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename <> 'spatial_ref_sys'`),
  ).map((r) => r.name);
  if (tables.length) await database.db.execute(sql.raw(`truncate ${tables.join(', ')} restart identity cascade`));
  await database.db.execute(sql`delete from pgboss.job`);
}
