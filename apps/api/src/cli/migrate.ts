import pino from 'pino';
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db.js';
import { createQueue } from '../platform/queue.js';

/** Applies the schema migrations and the job queue's own schema: run once per release in production. */
try {
  const config = loadConfig();
  // Migrations may take longer than a request's statement timeout.
  const database = await openDatabase(config.database.kind === 'postgres' ? { ...config, database: { ...config.database, statementTimeoutMs: 0 } } : config);
  const before = await database.pendingMigrations();
  await database.migrate();
  const queue = createQueue(database, pino({ level: 'warn' }));
  await queue.start({ workers: false });
  await queue.stop();
  await database.close();
  console.log(`Database is up to date (${before} migration${before === 1 ? '' : 's'} applied).`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
