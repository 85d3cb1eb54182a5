import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db.js';
import { createStorage } from '../platform/storage.js';
import { CITIES, findCity } from '../seed/cities.js';
import { describeSeed, seedCity } from '../seed/seed-city.js';

/** npm run seed -- --city <name> --businesses N [--workers-per-business K] [--seed S] [--photos] [--no-demo-accounts] */
const usage = `Usage: npm run seed -- --city <${CITIES.map((c) => c.name).join('|')}> --businesses N [--workers-per-business K] [--seed S] [--photos] [--no-demo-accounts]`;
const { values } = parseArgs({
  options: {
    city: { type: 'string', default: 'London' },
    businesses: { type: 'string', default: '25' },
    'workers-per-business': { type: 'string', default: '2' },
    seed: { type: 'string', default: '42' },
    photos: { type: 'boolean', default: false },
    'no-demo-accounts': { type: 'boolean', default: false },
  },
});
const city = findCity(values.city);
const businesses = Number(values.businesses);
const workersPerBusiness = Number(values['workers-per-business']);
const seed = Number(values.seed);
if (!city || !Number.isInteger(businesses) || businesses < 1 || !Number.isInteger(workersPerBusiness) || workersPerBusiness < 0 || !Number.isInteger(seed)) {
  console.error(usage);
  process.exit(2);
}
try {
  const config = loadConfig();
  const database = await openDatabase(config);
  if (database.kind === 'pglite') await database.migrate();
  else if (await database.pendingMigrations()) throw new Error('the database has pending migrations; run `npm run db:migrate` first');
  const result = await seedCity(database.db, values.photos ? createStorage(config) : null, {
    city,
    businesses,
    workersPerBusiness,
    seed,
    photos: values.photos,
    demoAccounts: !values['no-demo-accounts'],
    passwordHashing: config.passwordHashing,
  });
  await database.close();
  console.log(describeSeed(result));
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `seed failed: ${(err as Error).message}`);
  process.exit(1);
}
