/**
 * Booking throughput: POST /v1/bookings on PostgreSQL, 50 connections booking random (worker, slot)
 * pairs of one verified business with 200 workers over 60 days, so most requests succeed and some
 * collide (409). Reports bookings created per second, p99 and the 409s, then proves with a SQL
 * self-join that no worker was booked twice. The ceiling, measured in the same run on the same table:
 * pgbench inserting random (worker, slot) bookings straight into `bookings` (same exclusion
 * constraint; a conflict inserts nothing). `npm run bench -- booking`; BENCH_PG_URL overrides the
 * PostgreSQL server, BENCH_SECONDS the length of each run.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const self = fileURLToPath(import.meta.url);
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONTENTION_SECONDS = 3;
const WORKERS = 200;
const OWNERS = 50;
const DAYS = 60;
const TIME_ZONE = 'Europe/London';
/** Operating hours and every worker's window, every day: a 60-minute walk can start 06:00 … 21:00. */
const OPEN = '06:00';
const CLOSE = '22:00';
const DURATION_MINUTES = 60;
const TRAVEL_BUFFER_MINUTES = 15;
const STARTS_PER_DAY = ((22 - 6) * 60 - DURATION_MINUTES) / 15 + 1;
const BUSINESS = { lat: 51.5072, lng: -0.1276 };
/** The owners' homes: within 10 km of the business, which has no drawn area. */
const HOME = { lat: 51.515, lng: -0.141 };
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

type Stats = { name: string; perSecond: number; p50: number; p99: number; note?: string };
type AutocannonResult = {
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  start: Date;
  finish: Date;
};
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
type Seeded = { businessId: string; serviceId: string; workerIds: string[]; owners: { id: string; petId: string; token: string }[]; firstDate: string };

// ───────────────────────── seeding ─────────────────────────

/** An access token exactly as the API signs one (HS256, the claims of `AccessClaims`, typ access). */
function accessToken(sub: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role: 'pet_owner', ev: true, sv: 1, typ: 'access', iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${crypto.createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

/** The local date `days` after today in the business's zone. */
function localDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function seed(dbUrl: string): Promise<Seeded> {
  const { postgresDatabase } = await import('../apps/api/src/platform/db.js');
  const { users, businesses, workers, services, pets } = await import('@walkydoggy/shared/db');
  const database = postgresDatabase(dbUrl, 4);
  await database.migrate();
  const db = database.db;
  const now = new Date();
  const tag = crypto.randomBytes(3).toString('hex');
  const person = (role: 'pet_owner' | 'business' | 'worker', i: number) => ({
    email: `${role}-${i}-${tag}@bench.walkydoggy.test`,
    role,
    firstName: `${role === 'worker' ? 'Walker' : role === 'business' ? 'Boss' : 'Owner'}${i}`,
    lastName: 'Bench',
    emailVerifiedAt: now,
  });
  const everyDay = (open: string, close: string) => [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open, close }));

  const [boss] = await db.insert(users).values(person('business', 0)).returning({ id: users.id });
  const [business] = await db
    .insert(businesses)
    .values({
      ownerId: boss!.id,
      name: 'Bench Walkers London',
      type: 'company',
      address: { street: '1 Trafalgar Square', city: 'London', postalCode: 'WC2N 5DN', country: 'GB' },
      location: `SRID=4326;POINT(${BUSINESS.lng} ${BUSINESS.lat})`,
      timeZone: TIME_ZONE,
      operatingHours: everyDay(OPEN, CLOSE),
      verificationStatus: 'verified',
      travelBufferMinutes: TRAVEL_BUFFER_MINUTES,
    })
    .returning({ id: businesses.id });
  const workerUsers = await db
    .insert(users)
    .values(Array.from({ length: WORKERS }, (_, i) => person('worker', i)))
    .returning({ id: users.id });
  const workerRows = await db
    .insert(workers)
    .values(
      workerUsers.map((u) => ({
        userId: u.id,
        businessId: business!.id,
        weeklyAvailability: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: OPEN, end: CLOSE })),
      })),
    )
    .returning({ id: workers.id });
  // No service_workers rows: every active worker of the business performs the service.
  const [service] = await db
    .insert(services)
    .values({
      businessId: business!.id,
      name: 'City walk',
      type: 'walking',
      priceMinor: 2000,
      currency: 'GBP',
      priceType: 'per_session',
      additionalPetPriceMinor: 500,
      durationMinutes: DURATION_MINUTES,
      petTypes: ['dog'],
      maxPets: 2,
    })
    .returning({ id: services.id });
  const ownerRows = await db
    .insert(users)
    .values(Array.from({ length: OWNERS }, (_, i) => person('pet_owner', i)))
    .returning({ id: users.id });
  const petRows = await db
    .insert(pets)
    .values(ownerRows.map((o, i) => ({ ownerId: o.id, name: `Dog ${i}`, species: 'dog' as const })))
    .returning({ id: pets.id, ownerId: pets.ownerId });
  await database.close();
  const analyze = new pg.Client({ connectionString: dbUrl });
  await analyze.connect();
  await analyze.query('analyze');
  await analyze.end();
  return {
    businessId: business!.id,
    serviceId: service!.id,
    workerIds: workerRows.map((w) => w.id),
    owners: ownerRows.map((o) => ({ id: o.id, petId: petRows.find((p) => p.ownerId === o.id)!.id, token: accessToken(o.id) })),
    // The day after tomorrow: every slot is well past the "at least 60 minutes from now" rule.
    firstDate: localDate(2),
  };
}

/** Every start instant of the range: DAYS local dates × the quarter hours a walk fits in, in the business's zone. */
function slotStarts(firstDate: string): string[] {
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' }).formatToParts(new Date(instant));
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((p) => p.type === 'timeZoneName')?.value ?? '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  const starts: string[] = [];
  for (let d = 0; d < DAYS; d++) {
    const midnight = Date.parse(`${firstDate}T00:00:00Z`) + d * 86_400_000;
    for (let q = 0; q < STARTS_PER_DAY; q++) {
      const wall = midnight + (6 * 60 + q * 15) * 60_000;
      starts.push(new Date(wall - offsetAt(wall) * 60_000).toISOString());
    }
  }
  return starts;
}

// ───────────────────────── load ─────────────────────────

async function childServer(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(self, [], { env: { ...process.env, WD_BENCH_CHILD: 'api', WD_BENCH_DB: databaseUrl }, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`api server exited with ${code}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

type LoadResult = { created: number; conflicts: number; other: Record<string, number>; seconds: number; p50: number; p99: number; samples: string[] };

async function bookLoad(port: number, seeded: Seeded, starts: string[], seconds: number, workerIds = seeded.workerIds): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const samples: string[] = [];
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/bookings',
        setupRequest: (req: Record<string, unknown>) => {
          const owner = pick(seeded.owners);
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
            body: JSON.stringify({
              serviceId: seeded.serviceId,
              petIds: [owner.petId],
              startsAt: pick(starts),
              workerId: pick(workerIds),
              location: { kind: 'owner_home', lat: HOME.lat, lng: HOME.lng },
            }),
          };
        },
        // Keep a few answers that are neither 201 nor 409: they mean the benchmark, not the load, is wrong.
        onResponse: (status: number, body: string) => {
          if (status !== 201 && status !== 409 && samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  });
  const count = (code: string) => Number(result.statusCodeStats[code]?.count ?? 0);
  const other = Object.fromEntries(
    Object.entries(result.statusCodeStats)
      .filter(([code]) => code !== '201' && code !== '409')
      .map(([code, v]) => [code, Number(v.count)]),
  );
  if (result.errors) other.errors = result.errors;
  return {
    created: count('201'),
    conflicts: count('409'),
    other,
    seconds: (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    samples,
  };
}

// ───────────────────────── CPU accounting ─────────────────────────

/** User + system CPU seconds a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU used by the API process and by the database's server processes, to say which side a booking costs. */
async function cpuSnapshot(client: pg.Client, database: string, apiPid: number): Promise<{ api: number; pg: Map<number, number>; load: number }> {
  const pids = (await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database])).rows;
  const own = process.cpuUsage();
  return { api: cpuSeconds(apiPid), pg: new Map(pids.map((r) => [r.pid, cpuSeconds(r.pid)])), load: (own.user + own.system) / 1e6 };
}

function cpuBetween(a: Awaited<ReturnType<typeof cpuSnapshot>>, b: Awaited<ReturnType<typeof cpuSnapshot>>) {
  let pgSeconds = 0;
  // A connection the pool opened during the run counts from zero.
  for (const [pid, seconds] of b.pg) pgSeconds += seconds - (a.pg.get(pid) ?? 0);
  return { api: b.api - a.api, pg: pgSeconds, load: b.load - a.load };
}

// ───────────────────────── checks and ceiling ─────────────────────────

/** Pairs of active bookings of one worker whose held periods overlap: must be zero, whatever the load. */
const DOUBLE_BOOKINGS_SQL = `select count(*)::int as n from bookings a join bookings b
  on a.worker_id = b.worker_id and a.id < b.id
  and tstzrange(a.starts_at, a.blocked_until, '[)') && tstzrange(b.starts_at, b.blocked_until, '[)')
  where a.status in ('pending', 'confirmed', 'in_progress') and b.status in ('pending', 'confirmed', 'in_progress')`;

async function scalar(client: pg.Client, text: string): Promise<number> {
  return Number((await client.query<{ n: number }>(text)).rows[0]!.n);
}

/** One random (worker, slot) booking per transaction, straight into `bookings`; an overlap inserts nothing. */
function pgbenchScript(seeded: Seeded): string {
  const array = (ids: string[]) => `'{${ids.join(',')}}'::uuid[]`;
  const price = JSON.stringify({ currency: 'GBP', lines: [], subtotalMinor: 2000, discountMinor: 0, totalMinor: 2000 });
  return [
    `\\set w random(1, ${WORKERS})`,
    `\\set o random(1, ${OWNERS})`,
    `\\set d random(0, ${DAYS - 1})`,
    `\\set q random(0, ${STARTS_PER_DAY - 1})`,
    `insert into bookings (number, owner_id, business_id, service_id, worker_id, kind, status, starts_at, ends_at, blocked_until, duration_minutes, pet_count, location_kind, location, price, total_minor, currency, cancellation_policy, expires_at) ` +
      `select 'PB-' || md5(random()::text), (${array(seeded.owners.map((o) => o.id))})[:o::int], '${seeded.businessId}', '${seeded.serviceId}', (${array(seeded.workerIds)})[:w::int], 'slot', 'pending', ` +
      `s, s + interval '${DURATION_MINUTES} minutes', s + interval '${DURATION_MINUTES + TRAVEL_BUFFER_MINUTES} minutes', ${DURATION_MINUTES}, 1, 'owner_home', ` +
      `'SRID=4326;POINT(${HOME.lng} ${HOME.lat})'::geography, '${price}'::jsonb, 2000, 'GBP', 'moderate', s ` +
      `from (select ((date '${seeded.firstDate}' + :d::int) + make_interval(mins => ${6 * 60} + (:q)::int * 15)) at time zone '${TIME_ZONE}' as s) slot ` +
      `on conflict do nothing;`,
    '',
  ].join('\n');
}

async function pgbench(url: string, script: string, seconds: number): Promise<{ tps: number; p50: number; p99: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-pgbench-'));
  const file = path.join(dir, 'booking.sql');
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
    String(seconds),
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
  const latencies = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('tx'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .map((line) => Number(line.split(' ')[2]) / 1000)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  fs.rmSync(dir, { recursive: true, force: true });
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
  return { tps, p50: pct(50), p99: pct(99) };
}

// ───────────────────────── main ─────────────────────────

async function main() {
  const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `wd_bench_${crypto.randomBytes(4).toString('hex')}`;
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  let api: ChildProcess | null = null;
  const client = new pg.Client({ connectionString: dbUrl });
  try {
    const seeded = await seed(dbUrl);
    const starts = slotStarts(seeded.firstDate);
    console.log(`Seeded 1 business, ${WORKERS} workers, ${OWNERS} owners with a dog; ${starts.length} start times × ${WORKERS} workers to book.`);
    await client.connect();

    const server = await childServer(dbUrl);
    api = server.child;
    const warmUp = await bookLoad(server.port, seeded, starts, 3);
    const cpuBefore = await cpuSnapshot(client, name, api.pid!);
    const run = await bookLoad(server.port, seeded, starts, SECONDS);
    const cpu = cpuBetween(cpuBefore, await cpuSnapshot(client, name, api.pid!));
    // Then everyone at once on a few hours of two workers: nearly every request races another for
    // the same time, which is where a check-then-insert without the constraint would double-book.
    const hot = await bookLoad(server.port, seeded, starts.slice(-STARTS_PER_DAY), CONTENTION_SECONDS, seeded.workerIds.slice(0, 2));
    await stop(api);
    api = null;
    for (const sample of [...warmUp.samples, ...run.samples, ...hot.samples]) console.log(`unexpected answer: ${sample}`);
    console.log(`API: ${run.created} × 201, ${run.conflicts} × 409 in ${run.seconds.toFixed(1)} s; pgbench next.`);

    const apiRows = await scalar(client, 'select count(*)::int as n from bookings');
    const doubleAfterApi = await scalar(client, DOUBLE_BOOKINGS_SQL);
    const before = apiRows;
    const ceiling = await pgbench(dbUrl, pgbenchScript(seeded), SECONDS);
    const inserted = (await scalar(client, 'select count(*)::int as n from bookings')) - before;
    const doubleAfterAll = await scalar(client, DOUBLE_BOOKINGS_SQL);

    const apiStats: Stats = {
      name: 'POST /v1/bookings (bookings created)',
      perSecond: run.created / run.seconds,
      p50: run.p50,
      p99: run.p99,
      note: `${run.created} created, ${run.conflicts} × 409${Object.keys(run.other).length ? `, other: ${JSON.stringify(run.other)}` : ''}`,
    };
    const pgStats: Stats = {
      name: 'ceiling: pgbench INSERT into bookings',
      perSecond: inserted / SECONDS,
      p50: ceiling.p50,
      p99: ceiling.p99,
      note: `${inserted} inserted of ${Math.round(ceiling.tps * SECONDS)} attempts (${Math.round(ceiling.tps)} tps)`,
    };
    // Requests still in flight when a run stops are written but their 201 is never read: at most one per connection and run.
    const created = warmUp.created + run.created + hot.created;
    const rowsMatch = apiRows >= created && apiRows <= created + 3 * CONNECTIONS;
    report(apiStats, pgStats, {
      rowsMatch,
      cpuPerBooking: { api: (cpu.api * 1000) / run.created, pg: (cpu.pg * 1000) / run.created, load: (cpu.load * 1000) / run.created },
      apiRows,
      created,
      contention: hot,
      doubleAfterApi,
      doubleAfterAll,
      conflictShare: run.conflicts / Math.max(1, run.created + run.conflicts),
    });
    if (doubleAfterApi || doubleAfterAll || !rowsMatch) process.exitCode = 1;
  } finally {
    if (api) await stop(api);
    await client.end().catch(() => {});
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

function report(
  api: Stats,
  ceiling: Stats,
  checks: {
    rowsMatch: boolean;
    apiRows: number;
    created: number;
    doubleAfterApi: number;
    doubleAfterAll: number;
    conflictShare: number;
    contention: LoadResult;
    cpuPerBooking: { api: number; pg: number; load: number };
  },
) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const ratio = api.perSecond / ceiling.perSecond;
  const table = [
    `| run | per s | p50 | p99 | note |`,
    `|---|---|---|---|---|`,
    ...[api, ceiling].map((r) => `| ${r.name} | ${Math.round(r.perSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.note ?? ''} |`),
    '',
    `- bookings / ceiling = ${ratio.toFixed(3)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
    `- 409 share of answered requests: ${(checks.conflictShare * 100).toFixed(1)} %`,
    `- contention (${CONTENTION_SECONDS} s, all ${CONNECTIONS} connections on 2 workers × 1 day): ${checks.contention.created} × 201, ${checks.contention.conflicts} × 409${Object.keys(checks.contention.other).length ? `, other: ${JSON.stringify(checks.contention.other)}` : ''}`,
    `- double bookings (same worker, overlapping held periods, active): ${checks.doubleAfterApi} after the API, ${checks.doubleAfterAll} after pgbench too`,
    `- rows written by the API: ${checks.apiRows} for ${checks.created} × 201 read (${checks.rowsMatch ? 'consistent: the difference is requests in flight when a run stopped' : 'MISMATCH'})`,
    `- CPU per booking created: API process ${checks.cpuPerBooking.api.toFixed(1)} ms, PostgreSQL ${checks.cpuPerBooking.pg.toFixed(1)} ms, autocannon ${checks.cpuPerBooking.load.toFixed(1)} ms`,
  ].join('\n');
  console.log(
    `\nBooking throughput (${CONNECTIONS} connections, ${SECONDS} s each; ${WORKERS} workers × ${DAYS} days on PostgreSQL; ${os.cpus().length} cores, Node ${process.version})\n${table}`,
  );
}

async function serveChild() {
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

if (process.env.WD_BENCH_CHILD) await serveChild();
else await main();
