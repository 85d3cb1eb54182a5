import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../../src/platform/paths.js';
import { openPglite, pgliteDatabase, postgresDatabase } from '../../src/platform/db.js';
import { prepareSchema, schemaFingerprint } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    database: { kind: 'pglite'; dump: string } | { kind: 'postgres'; adminUrl: string; template: string };
  }
}

/**
 * Builds the migrated database every test file starts from, once per run (and, for PGlite, once per
 * schema: the dump is cached, since creating PostGIS in PGlite takes ~10 s).
 */
export default async function setup(project: TestProject) {
  const fingerprint = schemaFingerprint();
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const template = `wd_tpl_${fingerprint}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (!exists.rowCount) {
      const building = `${template}_building_${process.pid}`;
      await admin.query(`create database "${building}"`);
      const database = postgresDatabase(withDatabase(adminUrl, building), 2);
      await prepareSchema(database);
      await database.close();
      // Renamed only when complete, so an interrupted build is never mistaken for a template.
      await admin.query(`alter database "${building}" rename to "${template}"`);
    }
    await admin.end();
    project.provide('database', { kind: 'postgres', adminUrl, template });
    return;
  }
  const dump = path.join(repoRoot, 'node_modules/.cache/walkydoggy', `pglite-${fingerprint}.tar.gz`);
  if (!fs.existsSync(dump)) {
    const pglite = await openPglite(undefined);
    const database = pgliteDatabase(pglite);
    await prepareSchema(database);
    const blob = await pglite.dumpDataDir('gzip');
    fs.mkdirSync(path.dirname(dump), { recursive: true });
    fs.writeFileSync(`${dump}.tmp`, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(`${dump}.tmp`, dump);
    await database.close();
  }
  project.provide('database', { kind: 'pglite', dump });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
