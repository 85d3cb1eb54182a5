import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { migrationsFolder, repoRoot } from '../../src/platform/paths.js';
import type { Database } from '../../src/platform/db.js';
import { createQueue } from '../../src/platform/queue.js';

/** Changes whenever the schema could: the migrations and the pg-boss version. */
export function schemaFingerprint(): string {
  const h = crypto.createHash('sha256');
  for (const file of fs.readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const full = path.join(migrationsFolder, file);
    if (fs.statSync(full).isFile()) h.update(file).update(fs.readFileSync(full));
  }
  h.update(JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/pg-boss/package.json'), 'utf8')).version);
  return h.digest('hex').slice(0, 16);
}

/** Applies the migrations and pg-boss's own schema and queues: what a started server would have. */
export async function prepareSchema(database: Database) {
  await database.migrate();
  const queue = createQueue(database, pino({ level: 'silent' }));
  await queue.start({ workers: false });
  await queue.stop();
}
