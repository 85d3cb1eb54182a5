/**
 * Booking throughput: POST /v1/bookings on PostgreSQL, 50 connections booking random (worker, slot)
 * pairs of one verified business with 200 workers over 60 days, so most requests succeed and some
 * collide (409). Reports bookings created per second, p99 and the 409s, then proves with a SQL
 * self-join that no worker was booked twice. The ceiling, measured in the same run on the same table:
 * pgbench inserting random (worker, slot) bookings straight into `bookings` (same exclusion
 * constraint; a conflict inserts nothing). `npm run bench -- booking`; BENCH_PG_URL overrides the
 * PostgreSQL server, BENCH_SECONDS the length of each run.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import {
  analyze,
  autocannon,
  childServer,
  CONNECTIONS,
  JWT_SECRET,
  machine,
  pgbench,
  scratchDatabase,
  statementsSent,
  statsTable,
  stop,
  type Stats,
} from './support.js';

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
  await analyze(dbUrl);
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

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

type LoadResult = { created: number; conflicts: number; other: Record<string, number>; seconds: number; p50: number; p99: number; samples: string[] };

async function bookLoad(port: number, seeded: Seeded, starts: string[], seconds: number, workerIds = seeded.workerIds): Promise<LoadResult> {
  const samples: string[] = [];
  const result = await autocannon(port, seconds, [
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
  ]);
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

// ───────────────────────── main ─────────────────────────

async function main() {
  const scratch = await scratchDatabase();
  let api: ChildProcess | null = null;
  const client = new pg.Client({ connectionString: scratch.url });
  try {
    const seeded = await seed(scratch.url);
    const starts = slotStarts(seeded.firstDate);
    console.log(`Seeded 1 business, ${WORKERS} workers, ${OWNERS} owners with a dog; ${starts.length} start times × ${WORKERS} workers to book.`);
    await client.connect();

    const server = await childServer('api', scratch.url);
    api = server.child;
    const warmUp = await bookLoad(server.port, seeded, starts, 3);
    const cpuBefore = await cpuSnapshot(client, scratch.name, api.pid!);
    const statementsBefore = await statementsSent(api);
    const run = await bookLoad(server.port, seeded, starts, SECONDS);
    const statements = (await statementsSent(api)) - statementsBefore;
    const cpu = cpuBetween(cpuBefore, await cpuSnapshot(client, scratch.name, api.pid!));
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
    const ceiling = await pgbench(scratch.url, pgbenchScript(seeded), SECONDS);
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
    const answered = run.created + run.conflicts + Object.values(run.other).reduce((a, b) => a + b, 0);
    report(apiStats, pgStats, {
      rowsMatch,
      cpuPerBooking: { api: (cpu.api * 1000) / run.created, pg: (cpu.pg * 1000) / run.created, load: (cpu.load * 1000) / run.created },
      statementsPerRequest: statements / Math.max(1, answered),
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
    await scratch.drop();
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
    statementsPerRequest: number;
  },
) {
  const ratio = api.perSecond / ceiling.perSecond;
  const { cpuPerBooking: cpu } = checks;
  const table = [
    statsTable([api, ceiling]),
    '',
    `- bookings / ceiling = ${ratio.toFixed(3)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
    `- 409 share of answered requests: ${(checks.conflictShare * 100).toFixed(1)} %`,
    `- contention (${CONTENTION_SECONDS} s, all ${CONNECTIONS} connections on 2 workers × 1 day): ${checks.contention.created} × 201, ${checks.contention.conflicts} × 409${Object.keys(checks.contention.other).length ? `, other: ${JSON.stringify(checks.contention.other)}` : ''}`,
    `- double bookings (same worker, overlapping held periods, active): ${checks.doubleAfterApi} after the API, ${checks.doubleAfterAll} after pgbench too`,
    `- rows written by the API: ${checks.apiRows} for ${checks.created} × 201 read (${checks.rowsMatch ? 'consistent: the difference is requests in flight when a run stopped' : 'MISMATCH'})`,
    `- CPU per booking created: API process ${cpu.api.toFixed(1)} ms, PostgreSQL ${cpu.pg.toFixed(1)} ms, autocannon ${cpu.load.toFixed(1)} ms (${(cpu.api + cpu.pg + cpu.load).toFixed(1)} ms in all)`,
    `- statements sent per request answered: ${checks.statementsPerRequest.toFixed(1)}`,
  ].join('\n');
  console.log(`\nBooking throughput (${CONNECTIONS} connections, ${SECONDS} s each; ${WORKERS} workers × ${DAYS} days on PostgreSQL; ${machine()})\n${table}`);
}

await main();
