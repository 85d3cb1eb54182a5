import { parseArgs } from 'node:util';
import pino from 'pino';
import { emailSchema } from '@walkydoggy/shared';
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db.js';
import { createQueue } from '../platform/queue.js';
import { runningServer, serverRunningMessage } from '../platform/server-lock.js';
import { createAdmin } from '../modules/admin/admin.accounts.js';

/** npm run admin:create -- --email you@example.com [--first-name Ada --last-name Lovelace] */
const { values } = parseArgs({ options: { email: { type: 'string' }, 'first-name': { type: 'string' }, 'last-name': { type: 'string' } } });
const email = emailSchema.safeParse(values.email ?? '');
if (!email.success) {
  console.error('Usage: npm run admin:create -- --email you@example.com [--first-name Ada] [--last-name Lovelace]');
  process.exit(2);
}
try {
  const config = loadConfig();
  // PGlite keeps the database in the server's memory: a write from here would be lost (and its link "expired").
  const server = config.database.kind === 'pglite' ? runningServer(config.dataDir) : null;
  if (server) {
    console.error(serverRunningMessage(server, 'npm run admin:create', config.dataDir));
    process.exit(1);
  }
  const database = await openDatabase(config);
  if (database.kind === 'pglite') await database.migrate();
  const queue = createQueue(database, pino({ level: 'warn' }));
  await queue.start({ workers: false });
  const result = await createAdmin(
    { database, queue, publicUrl: config.publicUrl },
    { email: email.data, firstName: values['first-name'], lastName: values['last-name'] },
  );
  await queue.stop();
  await database.close();
  if (result.created) {
    console.log(`Created the admin account ${email.data}. It has no password yet; choose one within 24 hours at:\n\n  ${result.setPasswordLink}\n`);
    console.log('The same link was queued as an e-mail (the server sends it while it runs).');
  } else console.log(`${email.data} is an admin now. Their other sessions were signed out so the new role applies at once.`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `admin:create failed: ${(err as Error).message}`);
  process.exit(1);
}
