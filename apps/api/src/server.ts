import { sql } from 'drizzle-orm';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './platform/config.js';
import { rowsOf } from './platform/db.js';
import { describeSeed, seedCity } from './seed/seed-city.js';
import { existingDemoAccounts, firstStartLines } from './seed/first-start.js';
import { announce } from './platform/announce.js';
import { writeServerLock } from './platform/server-lock.js';
import { seedDemoBookings } from './seed/demo-bookings.js';

const started = Date.now();
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

// Tells `npm run admin:create` that the embedded database is in use (removed on exit).
if (config.database.kind === 'pglite') writeServerLock(config.dataDir, { pid: process.pid, url: config.publicUrl });
const app = await buildApp(config);

/**
 * Graceful shutdown: stop accepting connections, finish in-flight requests and jobs, close the
 * database. Ctrl-C in a terminal signals npm and the server alike, so a second signal arriving at
 * once is the same stop, not a demand to quit now; the embedded database must be closed cleanly
 * or the next start pays for crash recovery.
 */
let closingSince = 0;
async function shutdown(reason: string, err?: unknown) {
  if (closingSince) {
    if (Date.now() - closingSince > 3000) {
      app.log.warn('second stop request: exiting without waiting');
      process.exit(1);
    }
    return;
  }
  closingSince = Date.now();
  if (err) app.log.error({ err }, `shutting down after ${reason}`);
  else app.log.info(`${reason}: finishing requests and jobs`);
  setTimeout(() => {
    app.log.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 2000).unref();
  try {
    await app.close();
  } finally {
    process.exit(err ? 1 : 0);
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
process.on('uncaughtException', (err) => void shutdown('an uncaught exception', err));
process.on('unhandledRejection', (err) => void shutdown('an unhandled rejection', err));

// A first start of the embedded app shows a small demo city instead of an empty map.
const firstStart: string[] = [];
if (config.seedDemo && !rowsOf(await app.platform.db.execute(sql`select 1 from users limit 1`)).length) {
  const result = await seedCity(app.platform.db, app.platform.storage, {
    city: 'London',
    businesses: 25,
    workersPerBusiness: 2,
    photos: true,
    demoAccounts: true,
    passwordHashing: config.passwordHashing,
  });
  firstStart.push('Demo data seeded (SEED_DEMO=false turns this off):', ...describeSeed(result).split('\n'));
  if (result.demo.accounts.length === 3 && result.businessIds[0]) {
    // Bookings between the demo sign-ins; a demo without them still works, so a failure only warns.
    try {
      const demo = await seedDemoBookings(app, result.businessIds[0]);
      const lines = demo.bookings.map((b) => `  ${b.number} ${b.status.padEnd(9)} ${b.startsAt}`);
      firstStart.push(
        `Demo bookings for ${demo.pet}, the demo owner's dog, at the owner's saved home (${demo.home}):`,
        ...(lines.length ? lines : ['  (no free slot found)']),
      );
    } catch (err) {
      app.log.warn({ err }, 'demo bookings were not created');
    }
  }
}

await app.listen({ host: config.host, port: config.port });
const demoSignIns = config.seedDemo ? await existingDemoAccounts(app.platform.db) : [];
announce(app.log, {
  title: `WalkyDoggy is running at ${config.publicUrl}`,
  lines: firstStartLines(firstStart, demoSignIns),
  fields: { url: config.publicUrl, database: app.platform.database.kind, redis: Boolean(config.redisUrl), startupMs: Date.now() - started },
});
