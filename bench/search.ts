/**
 * Search throughput: GET /v1/businesses/search on PostgreSQL with 10,000 businesses and 50,000
 * workers around London, against two ceilings measured in the same run: a bare Fastify hello route
 * (what Node + HTTP can do here) and pgbench running the search's own SQL as a prepared statement
 * (what the database can do). Servers run in child processes so autocannon does not share their
 * event loop. `npm run bench -- search`; BENCH_PG_URL overrides the PostgreSQL server.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const CONNECTIONS = 50;
const SECONDS = 10;
const RADIUS_KM = 5;
const SERVICE_TYPE = 'walking';
// The part of London where the seeded businesses are (spread 15 km around the centre).
const BOX = { latMin: 51.42, latMax: 51.6, lngMin: -0.27, lngMax: 0.01 };
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

type Stats = { name: string; rps: number; p50: number; p99: number; note?: string };
type AutocannonResult = { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

async function childServer(role: 'api' | 'hello', databaseUrl = ''): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(self, [], { env: { ...process.env, WD_BENCH_CHILD: role, WD_BENCH_DB: databaseUrl }, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const randomIn = (min: number, max: number) => (min + Math.random() * (max - min)).toFixed(5);

async function load(name: string, port: number, pathFor: () => string, seconds = SECONDS): Promise<Stats> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: pathFor() }) }],
  });
  const bad = result.non2xx + result.errors;
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ...(bad ? { note: `${bad} non-2xx/errors` } : {}) };
}

/** pgbench with the search SQL, random points in the same box, per-transaction log for percentiles. */
async function pgbench(url: string, script: string): Promise<Stats> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-pgbench-'));
  const file = path.join(dir, 'search.sql');
  fs.writeFileSync(file, script);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(CONNECTIONS),
    '-j',
    '2',
    '-T',
    String(SECONDS),
    '-f',
    file,
    '-l',
    '--log-prefix',
    path.join(dir, 'tx'),
    url,
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.env.PGBENCH ?? 'pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited with ${code}:\n${out}`))));
  });
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? NaN);
  // Log lines: client_id transaction_no time_us script_no time_epoch time_us
  const latencies = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('tx'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .map((line) => Number(line.split(' ')[2]) / 1000)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  fs.rmSync(dir, { recursive: true, force: true });
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
  return { name: 'ceiling: pgbench, the search SQL prepared', rps: tps, p50: pct(50), p99: pct(99) };
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
  const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `wd_bench_${crypto.randomBytes(4).toString('hex')}`;
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const children: ChildProcess[] = [];
  try {
    const { postgresDatabase } = await import('../apps/api/src/platform/db.js');
    const { seedCity } = await import('../apps/api/src/seed/seed-city.js');
    const database = postgresDatabase(dbUrl, 4);
    await database.migrate();
    const seeded = await seedCity(database.db, null, { city: 'London', businesses: 10_000, workersPerBusiness: 5, seed: 1 });
    await database.close();
    const analyze = new pg.Client({ connectionString: dbUrl });
    await analyze.connect();
    await analyze.query('analyze');
    await analyze.end();
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

    const pgStats = await pgbench(dbUrl, await pgbenchScript());
    report([searchStats, helloStats, pgStats], searchStats, pgStats, helloStats);
  } finally {
    for (const child of children) await stop(child);
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

function report(rows: Stats[], search: Stats, pgb: Stats, hello: Stats) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const lines = [
    `| run | req/s | p50 | p99 | note |`,
    `|---|---|---|---|---|`,
    ...rows.map((r) => `| ${r.name} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.note ?? ''} |`),
    '',
    `- search / pgbench = ${(search.rps / pgb.rps).toFixed(2)} (goal ≥ 0.5: ${search.rps >= 0.5 * pgb.rps ? 'met' : 'NOT met'})`,
    `- search / hello = ${(search.rps / hello.rps).toFixed(3)}`,
    `- search p99 = ${ms(search.p99)} at ${CONNECTIONS} connections (goal < 25 ms: ${search.p99 < 25 ? 'met' : 'NOT met'})`,
  ];
  const table = lines.join('\n');
  const header = `\nSearch throughput (${CONNECTIONS} connections, ${SECONDS} s each; 10,000 businesses / 50,000 workers around London on PostgreSQL; ${os.cpus().length} cores, Node ${process.version})`;
  console.log(`${header}\n${table}`);
  const date = new Date().toISOString().slice(0, 10);
  fs.appendFileSync(
    path.join(root, 'bench/RESULTS.md'),
    `\n## Search (\`npm run bench -- search\`) — ${date}\n\n` +
      `autocannon, ${CONNECTIONS} connections, ${SECONDS} s, random points in London, radius ${RADIUS_KM} km, service type ${SERVICE_TYPE}; ` +
      `API and hello server each in their own process; pgbench \`-n -M prepared -c ${CONNECTIONS} -j 2 -T ${SECONDS}\` with the API's own SQL.\n\n${table}\n`,
  );
}

async function serveChild(role: string) {
  if (role === 'hello') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.get('/hello', async () => ({ hello: 'world' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.send!({ port: (app.server.address() as { port: number }).port });
    return;
  }
  const { buildApp } = await import('../apps/api/src/app.js');
  const { loadConfig } = await import('../apps/api/src/platform/config.js');
  const config = loadConfig({
    DATABASE_URL: process.env.WD_BENCH_DB,
    LOG_LEVEL: 'silent',
    JOB_WORKERS: 'false',
    RATE_LIMIT_MAX: '100000000',
    AUTH_RATE_LIMIT_MAX: '100000000',
    JWT_SECRET,
    SEED_DEMO: 'false',
    DATA_DIR: path.join(os.tmpdir(), 'wd-bench-api'),
    DATABASE_POOL_MAX: String(CONNECTIONS / 2),
  });
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as { port: number }).port });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

const childRole = process.env.WD_BENCH_CHILD;
if (childRole) await serveChild(childRole);
else await main();
