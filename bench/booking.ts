/**
 * Booking throughput: POST /v1/bookings on PostgreSQL, 50 connections booking random (worker, slot)
 * pairs of one verified business with 200 workers over 60 days, so most requests succeed and some
 * collide (409). Reports bookings created per second, p99 and the 409s, then proves with a SQL
 * self-join that no worker was booked twice. Two ceilings, measured in the same run on the same
 * table once the API has stopped, each after the same warm-up as the API (booking-ceilings.ts):
 * pgbench inserting random (worker, slot) bookings straight into `bookings` (same exclusion
 * constraint; a conflict inserts nothing), and pgbench replaying, one transaction per booking,
 * exactly the statements the API sent for one booking.
 *
 * `npm run bench -- booking`; BENCH_PG_URL overrides the PostgreSQL server, BENCH_SECONDS the length
 * of each run; BENCH_REPLAY_SCRIPT=<file> keeps the replay's pgbench script (and <file>.json its
 * variables); BENCH_BREAKDOWN=1 also replays parts of the statements, to say what each part costs.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { sameStatementsScript, singleInsertScript, type RecordedBooking, type Replay, type StatementKind } from './booking-ceilings.js';
import { DAYS, HOME, OWNERS, seed, slotStarts, STARTS_PER_DAY, WORKERS, type Seeded } from './booking-seed.js';
import {
  autocannon,
  childServer,
  CONNECTIONS,
  machine,
  pgbench,
  recordStatements,
  scratchDatabase,
  statementsSent,
  statsTable,
  stop,
  type Stats,
} from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONTENTION_SECONDS = 3;
/** The API warms up its pool's connections for as long before its measured run; the ceilings do the same. */
const WARM_UP_SECONDS = 3;
// ───────────────────────── load ─────────────────────────

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** The headers and body of one booking request: `owner` books their dog's walk with `workerId` at `startsAt`. */
function bookingRequest(seeded: Seeded, owner: Seeded['owners'][number], workerId: string, startsAt: string) {
  return {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    body: JSON.stringify({
      serviceId: seeded.serviceId,
      petIds: [owner.petId],
      startsAt,
      workerId,
      location: { kind: 'owner_home', lat: HOME.lat, lng: HOME.lng },
    }),
  };
}

/**
 * The statements one booking sends, recorded while the API serves nothing else. Two bookings are
 * recorded (different owners, workers and times) and must send the same texts, or something else
 * (pg-boss's upkeep, say) was recorded along: then two others are tried.
 */
async function recordBooking(port: number, api: ChildProcess, client: pg.Client, seeded: Seeded, starts: string[]): Promise<RecordedBooking> {
  const book = async (i: number) => {
    const owner = seeded.owners[i % OWNERS]!;
    const workerId = seeded.workerIds[i % WORKERS]!;
    const startsAt = starts[(i * 37) % starts.length]!;
    let bookingId = '';
    const statements = await recordStatements(api, async () => {
      const { headers, body } = bookingRequest(seeded, owner, workerId, startsAt);
      const response = await fetch(`http://127.0.0.1:${port}/v1/bookings`, { method: 'POST', headers, body });
      if (response.status !== 201) throw new Error(`The recorded booking answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      bookingId = ((await response.json()) as { data: { id: string } }).data.id;
    });
    // The notifier chooses its rows' ids itself: a replay must not write the same ones again.
    const generated = await client.query<{ id: string }>(
      `select n.id::text as id from notifications n where n.data->>'bookingId' = $1
       union all select d.id::text from notification_deliveries d join notifications n on n.id = d.notification_id where n.data->>'bookingId' = $1`,
      [bookingId],
    );
    return { ownerId: owner.id, petId: owner.petId, workerId, startsAt, generatedIds: generated.rows.map((r) => r.id), statements };
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await book(2 * attempt);
    const second = await book(2 * attempt + 1);
    const texts = (r: RecordedBooking) => JSON.stringify(r.statements.map((st) => st.text));
    if (texts(first) === texts(second)) return second;
  }
  throw new Error('Two bookings never sent the same statements: the recording is not one booking’s.');
}

type LoadResult = { created: number; conflicts: number; other: Record<string, number>; seconds: number; p50: number; p99: number; samples: string[] };

async function bookLoad(port: number, seeded: Seeded, starts: string[], seconds: number, workerIds = seeded.workerIds): Promise<LoadResult> {
  const samples: string[] = [];
  const result = await autocannon(port, seconds, [
    {
      method: 'POST',
      path: '/v1/bookings',
      setupRequest: (req: Record<string, unknown>) => {
        return { ...req, ...bookingRequest(seeded, pick(seeded.owners), pick(workerIds), pick(starts)) };
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
async function cpuSnapshot(client: pg.Client, database: string, apiPid = NaN): Promise<{ api: number; pg: Map<number, number>; load: number }> {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * pgbench with `script` on the bookings table, measured after a warm-up as long as the API's: the
 * rows it wrote (those whose number matches `numbers`), the rate and latency of the measured
 * transactions, and PostgreSQL's CPU per row written while they ran (its backends' CPU between two
 * snapshots inside the measured window, over the rows written between them).
 */
async function ceilingRun(client: pg.Client, database: string, url: string, script: string, numbers: string, variables?: Record<string, string>) {
  const count = `select count(*)::int as n from bookings where number ~ '${numbers}'`;
  const before = await scalar(client, count);
  const running = pgbench(url, script, SECONDS, { warmUpSeconds: WARM_UP_SECONDS, ...(variables ? { variables } : {}) });
  await sleep(WARM_UP_SECONDS * 1000 + 500);
  const [cpuA, rowsA] = [(await cpuSnapshot(client, database)).pg, await scalar(client, count)];
  await sleep(SECONDS * 1000 - 1000);
  const [cpuB, rowsB] = [(await cpuSnapshot(client, database)).pg, await scalar(client, count)];
  const run = await running;
  const inserted = (await scalar(client, count)) - before;
  let cpu = 0;
  for (const [pid, seconds] of cpuB) cpu += seconds - (cpuA.get(pid) ?? seconds);
  // What the measured transactions wrote: their rate times the share of attempts that wrote a row.
  return { ...run, inserted, rowsPerSecond: (run.tps * inserted) / run.total, pgCpuPerRow: (cpu * 1000) / (rowsB - rowsA) };
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
    const recorded = await recordBooking(server.port, api, client, seeded, starts);
    const replay = sameStatementsScript(recorded, seeded, SECONDS);
    if (process.env.BENCH_REPLAY_SCRIPT) {
      fs.writeFileSync(process.env.BENCH_REPLAY_SCRIPT, replay.script);
      fs.writeFileSync(`${process.env.BENCH_REPLAY_SCRIPT}.json`, JSON.stringify(replay.variables, null, 2));
    }
    const warmUp = await bookLoad(server.port, seeded, starts, WARM_UP_SECONDS);
    const rowsAtStart = await scalar(client, 'select count(*)::int as n from bookings');
    const cpuBefore = await cpuSnapshot(client, scratch.name, api.pid!);
    const statementsBefore = await statementsSent(api);
    const run = await bookLoad(server.port, seeded, starts, SECONDS);
    const statements = (await statementsSent(api)) - statementsBefore;
    const cpu = cpuBetween(cpuBefore, await cpuSnapshot(client, scratch.name, api.pid!));
    const rowsAtEnd = await scalar(client, 'select count(*)::int as n from bookings');
    // Then everyone at once on a few hours of two workers: nearly every request races another for
    // the same time, which is where a check-then-insert without the constraint would double-book.
    const hot = await bookLoad(server.port, seeded, starts.slice(-STARTS_PER_DAY), CONTENTION_SECONDS, seeded.workerIds.slice(0, 2));
    await stop(api);
    api = null;
    for (const sample of [...warmUp.samples, ...run.samples, ...hot.samples]) console.log(`unexpected answer: ${sample}`);
    console.log(`API: ${run.created} × 201, ${run.conflicts} × 409 in ${run.seconds.toFixed(1)} s; pgbench next.`);

    const apiRows = await scalar(client, 'select count(*)::int as n from bookings');
    const doubles = { api: await scalar(client, DOUBLE_BOOKINGS_SQL), single: 0, same: 0 };
    const single = await ceilingRun(client, scratch.name, scratch.url, singleInsertScript(seeded), '^PB-');
    doubles.single = await scalar(client, DOUBLE_BOOKINGS_SQL);
    // The bookable read walks every booking of the worker (see RESULTS.md), so the replay starts, as
    // the API nearly did, from an empty table rather than from the API's and ceiling 1's rows.
    await client.query('truncate bookings cascade');
    const same = await ceilingRun(client, scratch.name, scratch.url, replay.script, replay.numberPattern, replay.variables);
    doubles.same = await scalar(client, DOUBLE_BOOKINGS_SQL);
    // Optionally, what the parts cost: the replay with fewer statements, each from an empty table too.
    const parts: { name: string; rowsPerSecond: number }[] = [];
    if (process.env.BENCH_BREAKDOWN) {
      const subsets: [string, (kind: StatementKind) => boolean][] = [
        ['the booking insert alone (autocommit)', (k) => k === 'booking insert'],
        ['begin, booking insert, job insert, commit', (k) => ['begin', 'booking insert', 'job insert', 'commit'].includes(k)],
        ['all but the sign-in check', (k) => k !== 'sign-in check'],
      ];
      for (const [name, keep] of subsets) {
        await client.query('truncate bookings cascade');
        const part = await ceilingRun(client, scratch.name, scratch.url, replay.only(keep), replay.numberPattern, replay.variables);
        parts.push({ name, rowsPerSecond: part.rowsPerSecond });
      }
    }

    const apiStats: Stats = {
      name: 'POST /v1/bookings (bookings created)',
      perSecond: run.created / run.seconds,
      p50: run.p50,
      p99: run.p99,
      note: `${run.created} created, ${run.conflicts} × 409${Object.keys(run.other).length ? `, other: ${JSON.stringify(run.other)}` : ''}`,
    };
    const singleStats: Stats = {
      name: 'ceiling 1: pgbench, one INSERT into bookings',
      perSecond: single.rowsPerSecond,
      p50: single.p50,
      p99: single.p99,
      note: `${Math.round(single.tps)} tps; ${single.inserted} inserted of ${single.total} attempts in all`,
    };
    const sameStats: Stats = {
      name: `ceiling 2: pgbench, the ${replay.statements.length} statements of one booking`,
      perSecond: same.rowsPerSecond,
      p50: same.p50,
      p99: same.p99,
      note: `${Math.round(same.tps)} tps; ${same.inserted} booked in ${same.total} transactions in all`,
    };
    // Requests still in flight when a run stops are written but their 201 is never read: at most one per connection and run.
    const created = warmUp.created + run.created + hot.created;
    const rowsMatch = apiRows >= created && apiRows <= created + 3 * CONNECTIONS;
    const answered = run.created + run.conflicts + Object.values(run.other).reduce((a, b) => a + b, 0);
    report(apiStats, singleStats, sameStats, replay, parts, {
      rowsMatch,
      cpuPerBooking: { api: (cpu.api * 1000) / run.created, pg: (cpu.pg * 1000) / run.created, load: (cpu.load * 1000) / run.created },
      pgCpuPerRow: { single: single.pgCpuPerRow, same: same.pgCpuPerRow },
      statementsPerRequest: statements / Math.max(1, answered),
      apiRows,
      created,
      contention: hot,
      doubles,
      rows: { atStart: rowsAtStart, atEnd: rowsAtEnd, replayed: same.inserted },
      conflictShare: run.conflicts / Math.max(1, run.created + run.conflicts),
      replayComplete: same.inserted === same.total,
    });
    if (doubles.api || doubles.single || doubles.same || !rowsMatch || same.inserted !== same.total) process.exitCode = 1;
  } finally {
    if (api) await stop(api);
    await client.end().catch(() => {});
    await scratch.drop();
  }
}

function report(
  api: Stats,
  single: Stats,
  same: Stats,
  replay: Replay,
  parts: { name: string; rowsPerSecond: number }[],
  checks: {
    rowsMatch: boolean;
    apiRows: number;
    created: number;
    doubles: { api: number; single: number; same: number };
    rows: { atStart: number; atEnd: number; replayed: number };
    conflictShare: number;
    contention: LoadResult;
    cpuPerBooking: { api: number; pg: number; load: number };
    pgCpuPerRow: { single: number; same: number };
    statementsPerRequest: number;
    replayComplete: boolean;
  },
) {
  const goal = api.perSecond / single.perSecond;
  const nodeShare = api.perSecond / same.perSecond;
  const reach = same.perSecond / single.perSecond;
  const { cpuPerBooking: cpu } = checks;
  const firstWords = (text: string) => text.replace(/\s+/g, ' ').slice(0, 40);
  const table = [
    statsTable([api, single, same]),
    '',
    `- API / ceiling 1 = ${goal.toFixed(3)} (the issue's goal ≥ 0.5: ${goal >= 0.5 ? 'met' : 'NOT met'})`,
    `- API / ceiling 2 = ${nodeShare.toFixed(3)} (how much of what PostgreSQL alone does with the same statements the API achieves through HTTP and Node)`,
    `- ceiling 2 / ceiling 1 = ${reach.toFixed(3)}: ${
      reach < 0.5
        ? `PostgreSQL alone, running the statements one booking needs, reaches less than 0.5× the single INSERT, so no implementation sending these statements can meet the goal`
        : `PostgreSQL alone could meet the goal with these statements; the rest is the API's`
    }`,
    `- statements replayed per booking, as the API sent them (${replay.statements.filter((st) => st.named).length} of ${replay.statements.length} as named prepared statements; pgbench prepares all): ${replay.statements
      .map(
        (st) =>
          `${st.kind} (\`${firstWords(st.text)}…\`${st.named ? ', named' : ''}${st.random.length ? `; random: ${[...new Set(st.random)].join(', ')}` : ''})`,
      )
      .join(', ')}`,
    ...(parts.length
      ? [
          `- PostgreSQL alone with part of the statements (bookings/s, × ceiling 1): ${parts
            .map((p) => `${p.name} ${Math.round(p.rowsPerSecond)} (${(p.rowsPerSecond / single.perSecond).toFixed(2)})`)
            .join('; ')}; all of them ${Math.round(same.perSecond)} (${reach.toFixed(2)})`,
        ]
      : []),
    `- every replayed transaction booked: ${checks.replayComplete ? 'yes' : 'NO'}`,
    `- 409 share of answered requests: ${(checks.conflictShare * 100).toFixed(1)} %`,
    `- contention (${CONTENTION_SECONDS} s, all ${CONNECTIONS} connections on 2 workers × 1 day): ${checks.contention.created} × 201, ${checks.contention.conflicts} × 409${Object.keys(checks.contention.other).length ? `, other: ${JSON.stringify(checks.contention.other)}` : ''}`,
    `- rows in bookings: ${checks.rows.atStart} → ${checks.rows.atEnd} during the API's measured run; 0 → ${checks.rows.replayed} during ceiling 2`,
    `- double bookings (same worker, overlapping held periods, active): ${checks.doubles.api} after the API, ${checks.doubles.single} after ceiling 1 too, ${checks.doubles.same} after ceiling 2`,
    `- rows written by the API: ${checks.apiRows} for ${checks.created} × 201 read (${checks.rowsMatch ? 'consistent: the difference is requests in flight when a run stopped' : 'MISMATCH'})`,
    `- CPU per booking created: API process ${cpu.api.toFixed(1)} ms, PostgreSQL ${cpu.pg.toFixed(1)} ms, autocannon ${cpu.load.toFixed(1)} ms (${(cpu.api + cpu.pg + cpu.load).toFixed(1)} ms in all)`,
    `- PostgreSQL CPU per row written in the ceilings: ${checks.pgCpuPerRow.single.toFixed(2)} ms (ceiling 1; attempts that conflicted included), ${checks.pgCpuPerRow.same.toFixed(2)} ms (ceiling 2, per booking)`,
    `- statements sent per request answered: ${checks.statementsPerRequest.toFixed(1)}`,
  ].join('\n');
  console.log(`\nBooking throughput (${CONNECTIONS} connections, ${SECONDS} s each; ${WORKERS} workers × ${DAYS} days on PostgreSQL; ${machine()})\n${table}`);
}

await main();
