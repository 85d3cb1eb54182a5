/**
 * Search throughput: GET /v1/businesses/search on PostgreSQL with 10,000 businesses and 50,000
 * workers around London, against two ceilings measured in the same run: a bare Fastify hello route
 * (what Node + HTTP can do here) and pgbench running the search's own SQL as a prepared statement
 * (what the database can do). Servers run in child processes so autocannon does not share their
 * event loop. `npm run bench -- search`; BENCH_PG_URL overrides the PostgreSQL server, BENCH_SECONDS
 * the length of each run.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PgDialect } from 'drizzle-orm/pg-core';
import { analyze, autocannon, childServer, CONNECTIONS, machine, ms, pgbench, root, scratchDatabase, stop, statsTable, type Stats } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RADIUS_KM = 5;
const SERVICE_TYPE = 'walking';
// The part of London where the seeded businesses are (spread 15 km around the centre).
const BOX = { latMin: 51.42, latMax: 51.6, lngMin: -0.27, lngMax: 0.01 };

const randomIn = (min: number, max: number) => (min + Math.random() * (max - min)).toFixed(5);

async function load(name: string, port: number, pathFor: () => string, seconds = SECONDS): Promise<Stats> {
  const result = await autocannon(port, seconds, [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: pathFor() }) }]);
  const bad = result.non2xx + result.errors;
  return { name, perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ...(bad ? { note: `${bad} non-2xx/errors` } : {}) };
}

/**
 * The exact statement the API runs for a distance-sorted page (its nearest-first window, which fills
 * a page in a city), with the point as pgbench variables.
 */
async function pgbenchScript(): Promise<string> {
  const { businessNearestSql, NEAREST_WINDOWS } = await import('../apps/api/src/modules/search/search.queries.js');
  const LAT = 11.123457;
  const LNG = 22.654321;
  const q = new PgDialect().sqlToQuery(
    businessNearestSql({ point: { lat: LAT, lng: LNG }, radiusKm: RADIUS_KM, serviceType: SERVICE_TYPE, sort: 'distance', limit: 20 }, NEAREST_WINDOWS[0]),
  );
  const text = q.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = q.params[Number(n) - 1];
    if (v === LAT) return ':lat';
    if (v === LNG) return ':lng';
    return typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v);
  });
  const span = (min: number, max: number) => `${min} + random(0, ${Math.round((max - min) * 1e6)}) / 1000000.0`;
  return `\\set lat ${span(BOX.latMin, BOX.latMax)}\n\\set lng ${span(BOX.lngMin, BOX.lngMax)}\n${text.replace(/\s*\n\s*/g, ' ')};\n`;
}

async function main() {
  const scratch = await scratchDatabase();
  const dbUrl = scratch.url;
  const children: ChildProcess[] = [];
  try {
    const { postgresDatabase } = await import('../apps/api/src/platform/db.js');
    const { seedCity } = await import('../apps/api/src/seed/seed-city.js');
    const database = postgresDatabase(dbUrl, 4);
    await database.migrate();
    const seeded = await seedCity(database.db, null, { city: 'London', businesses: 10_000, workersPerBusiness: 5, seed: 1 });
    await database.close();
    await analyze(dbUrl);
    console.log(
      `Seeded ${seeded.counts.businesses} businesses, ${seeded.counts.workers} workers, ${seeded.counts.services} services in ${(seeded.ms / 1000).toFixed(1)} s.`,
    );

    const searchPath = () =>
      `/v1/businesses/search?lat=${randomIn(BOX.latMin, BOX.latMax)}&lng=${randomIn(BOX.lngMin, BOX.lngMax)}&radius=${RADIUS_KM}&serviceType=${SERVICE_TYPE}`;
    const hello = await childServer('hello');
    children.push(hello.child);
    await load('warm-up', hello.port, () => '/hello', 2);
    const helloStats = await load('ceiling: bare Fastify hello route', hello.port, () => '/hello');
    await stop(hello.child);

    const api = await childServer('api', dbUrl);
    children.push(api.child);
    await load('warm-up', api.port, searchPath, 3);
    const searchStats = await load(`GET /v1/businesses/search (radius ${RADIUS_KM} km, ${SERVICE_TYPE})`, api.port, searchPath);
    await stop(api.child);

    const ceiling = await pgbench(dbUrl, await pgbenchScript(), SECONDS);
    const pgStats: Stats = { name: 'ceiling: pgbench, the search SQL prepared', perSecond: ceiling.tps, p50: ceiling.p50, p99: ceiling.p99 };
    report([searchStats, helloStats, pgStats], searchStats, pgStats, helloStats);
  } finally {
    for (const child of children) await stop(child);
    await scratch.drop();
  }
}

function report(rows: Stats[], search: Stats, pgb: Stats, hello: Stats) {
  const lines = [
    statsTable(rows, 'req/s'),
    '',
    `- search / pgbench = ${(search.perSecond / pgb.perSecond).toFixed(2)} (goal ≥ 0.5: ${search.perSecond >= 0.5 * pgb.perSecond ? 'met' : 'NOT met'})`,
    `- search / hello = ${(search.perSecond / hello.perSecond).toFixed(3)}`,
    `- search p99 = ${ms(search.p99)} at ${CONNECTIONS} connections (goal < 25 ms: ${search.p99 < 25 ? 'met' : 'NOT met'})`,
  ];
  const table = lines.join('\n');
  const header = `\nSearch throughput (${CONNECTIONS} connections, ${SECONDS} s each; 10,000 businesses / 50,000 workers around London on PostgreSQL; ${machine()})`;
  console.log(`${header}\n${table}`);
  const date = new Date().toISOString().slice(0, 10);
  fs.appendFileSync(
    path.join(root, 'bench/RESULTS.md'),
    `\n## Search (\`npm run bench -- search\`) — ${date}\n\n` +
      `autocannon, ${CONNECTIONS} connections, ${SECONDS} s, random points in London, radius ${RADIUS_KM} km, service type ${SERVICE_TYPE}; ` +
      `API and hello server each in their own process; pgbench \`-n -M prepared -c ${CONNECTIONS} -j 2 -T ${SECONDS}\` with the API's own SQL.\n\n${table}\n`,
  );
}

await main();
