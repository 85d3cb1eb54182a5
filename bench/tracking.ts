/**
 * Live tracking at scale (`npm run bench -- tracking`). N workers, each on an `in_progress` walk
 * watched by its owner, send one `location:update` a second (staggered over the second) for D
 * seconds over Socket.IO; the owners, in the booking rooms, receive `location:updated`. Measured:
 * accepted updates/s (success acknowledgements), deliveries/s, fan-out latency p50/p99 (owner
 * received − worker sent, on one clock: a pair lives in one load process), the API's RSS and CPU,
 * the statements it sent and the track points written (batching). Side by side, the same load on a
 * bare `ws` relay (ws-baseline.ts), the ceiling. Then N idle authenticated sockets and the server's
 * RSS, again next to the bare `ws` server.
 *
 * The API and the ceiling run as child processes, the load in BENCH_TRACKING_LOADERS child processes
 * (tracking-load.ts), so that the 2 cores are shared by all. Environment: BENCH_TRACKING_WORKERS
 * (2000), BENCH_TRACKING_SECONDS (10), BENCH_IDLE_SOCKETS (10000; 0 skips the idle run),
 * BENCH_TRACKING_LOADERS (2), BENCH_REDIS_URL (the API uses Redis: adapter, shared limits, GEO index),
 * BENCH_PG_URL (the PostgreSQL server), BENCH_TRACKING_INTERVAL_MS (1000: each worker's interval),
 * BENCH_TRACKING_WARMUP_SECONDS (2: sent before the measured window, so that it shows the steady state).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { LoadStats, Mode } from './tracking-load.js';
import { seedTracking, type Pair } from './tracking-seed.js';
import { machine, ms, scratchDatabase } from './support.js';

const WORKERS = Number(process.env.BENCH_TRACKING_WORKERS ?? 2000);
const SECONDS = Number(process.env.BENCH_TRACKING_SECONDS ?? 10);
const IDLE = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000);
const LOADERS = Number(process.env.BENCH_TRACKING_LOADERS ?? 2);
const REDIS = process.env.BENCH_REDIS_URL ?? '';
/** One update a second per worker, as the worker app sends; the API refuses a second one within 1000 ms of its clock. */
const INTERVAL_MS = Number(process.env.BENCH_TRACKING_INTERVAL_MS ?? 1000);
/** Seconds of sending before the measured window: the server's caches (online, active walk, last point) fill. */
const WARMUP = Number(process.env.BENCH_TRACKING_WARMUP_SECONDS ?? 2);
/** Goals of the issue. */
const GOAL = { updatesPerSecond: 10_000, p99Ms: 100, ratio: 0.6, idleRssMb: 1024 };

const here = path.dirname(fileURLToPath(import.meta.url));

// ───────────────────────── processes ─────────────────────────

/** BENCH_API_CPU_PROF=<dir>: the API child writes a V8 CPU profile there when it exits (where its time goes). */
function child(file: string, env: Record<string, string> = {}): ChildProcess {
  const profile = file === 'tracking-server.ts' && process.env.BENCH_API_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`] : [];
  return fork(path.join(here, file), [], { env: { ...process.env, ...env }, execArgv: ['--import', 'tsx', ...profile], stdio: 'inherit' });
}

function message<T>(proc: ChildProcess, type?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (type && (m as { type?: string }).type !== type) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`${path.basename(String(proc.spawnfile))} child exited with ${code}`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

async function server(kind: 'api' | 'ws', dbUrl: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = kind === 'api' ? child('tracking-server.ts', { WD_BENCH_DB: dbUrl, WD_BENCH_REDIS: REDIS }) : child('ws-baseline.ts');
  const { port } = await message<{ port: number }>(proc);
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** VmRSS and VmHWM (peak) of a process, MB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU seconds a process has used (user + system). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Busy and total jiffies of all cores (/proc/stat), for the machine's busy share over an interval. */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = n[3]! + n[4]!;
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function statementsOf(proc: ChildProcess): Promise<{ statements: number; trackInserts: number }> {
  const answer = message<{ statements: number; trackInserts: number }>(proc);
  proc.send('statements');
  return answer;
}

async function loaders(count: number): Promise<ChildProcess[]> {
  return Array.from({ length: count }, () => child('tracking-load.ts'));
}

async function closeLoaders(procs: ChildProcess[]) {
  await Promise.all(
    procs.map(async (proc) => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.send({ type: 'close' });
      await exited;
    }),
  );
}

/** SIGTERM, and SIGKILL if the process has not exited 15 s later (a hung graceful close is reported, not waited for). */
const hungStops: string[] = [];
async function stop(proc: ChildProcess, name: string) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    hungStops.push(name);
    proc.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

// ───────────────────────── runs ─────────────────────────

type Run = {
  name: string;
  stats: LoadStats;
  rssMb: number;
  peakMb: number;
  cpuSeconds: number;
  /** CPU seconds of the load processes together, and the machine's busy share of its cores (all processes). */
  loaderCpuSeconds: number;
  machineBusy: number;
  statements?: number;
  trackInserts?: number;
  trackRows?: number;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

function merge(all: LoadStats[]): LoadStats {
  const out: LoadStats = { sent: 0, accepted: 0, refused: {}, delivered: 0, latencies: [], ackLatencies: [] };
  for (const s of all) {
    out.sent += s.sent;
    out.accepted += s.accepted;
    out.delivered += s.delivered;
    for (const [code, n] of Object.entries(s.refused)) out.refused[code] = (out.refused[code] ?? 0) + n;
    for (const v of s.latencies) out.latencies.push(v);
    for (const v of s.ackLatencies) out.ackLatencies.push(v);
  }
  out.latencies.sort((a, b) => a - b);
  out.ackLatencies.sort((a, b) => a - b);
  return out;
}

async function trackRows(dbUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    return Number((await client.query('select count(*)::int as n from booking_track_points')).rows[0].n);
  } finally {
    await client.end();
  }
}

/** Connects every pair (owners in their rooms), lets the workers send for SECONDS, and collects the figures. */
async function live(kind: Mode, dbUrl: string, pairs: Pair[]): Promise<Run> {
  const { proc, url } = await server(kind, dbUrl);
  const procs = await loaders(LOADERS);
  try {
    const connectStarted = Date.now();
    const slices = procs.map((_, l) => pairs.map((p, index) => ({ ...p, index })).filter((p) => p.index % LOADERS === l));
    const ready = await Promise.all(
      procs.map((loader, l) => {
        const answer = message<{ failed: number; firstError: string | null }>(loader, 'ready');
        loader.send({ type: 'connect', mode: kind, url, pairs: slices[l] });
        return answer;
      }),
    );
    const failed = ready.reduce((n, r) => n + r.failed, 0);
    if (failed) throw new Error(`${failed} pairs could not connect to the ${kind} server: ${ready.find((r) => r.firstError)?.firstError}`);
    console.error(`  ${kind}: ${pairs.length * 2} sockets connected in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s`);
    // Everyone starts on the same instant, a little ahead so that every loader has the message.
    const startAt = Date.now() + 500;
    const done = procs.map((loader) => message<{ stats: LoadStats }>(loader, 'done'));
    for (const loader of procs) loader.send({ type: 'go', startAt, seconds: SECONDS, intervalMs: INTERVAL_MS, total: pairs.length, warmupSeconds: WARMUP });
    // Statements and CPU counted over the measured window only (after the warm-up).
    await new Promise((r) => setTimeout(r, startAt - Date.now() + WARMUP * 1000));
    const before = kind === 'api' ? await statementsOf(proc) : null;
    const rowsBefore = kind === 'api' ? await trackRows(dbUrl) : 0;
    const cpuBefore = cpuSeconds(proc.pid!);
    const loadersBefore = procs.reduce((n, l) => n + cpuSeconds(l.pid!), 0);
    const machineBefore = machineTicks();
    // Memory and CPU at the end of the window (not of the 3 s the loaders wait for stragglers).
    await new Promise((r) => setTimeout(r, startAt - Date.now() + (WARMUP + SECONDS) * 1000));
    const mem = memory(proc.pid!);
    const cpu = cpuSeconds(proc.pid!) - cpuBefore;
    const loaderCpu = procs.reduce((n, l) => n + cpuSeconds(l.pid!), 0) - loadersBefore;
    const machineAfter = machineTicks();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / Math.max(machineAfter.total - machineBefore.total, 1);
    const stats = merge((await Promise.all(done)).map((d) => d.stats));
    const run: Run = { name: kind, stats, rssMb: mem.rss, peakMb: mem.peak, cpuSeconds: cpu, loaderCpuSeconds: loaderCpu, machineBusy };
    if (kind === 'api') {
      // The track buffer flushes every 200 ms; give it time, then count what reached the table.
      await new Promise((r) => setTimeout(r, 1000));
      const after = await statementsOf(proc);
      run.statements = after.statements - before!.statements;
      run.trackInserts = after.trackInserts - before!.trackInserts;
      run.trackRows = (await trackRows(dbUrl)) - rowsBefore;
    }
    return run;
  } finally {
    await closeLoaders(procs);
    await stop(proc, `${kind} after the live run`);
  }
}

/** `count` sockets that only stay connected (authenticated on the API); the server's RSS before and after. */
async function idle(kind: Mode, dbUrl: string, tokens: string[]): Promise<{ name: string; before: number; after: number; peak: number; connected: number }> {
  const { proc, url } = await server(kind, dbUrl);
  const procs = await loaders(LOADERS);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const before = memory(proc.pid!).rss;
    const ready = await Promise.all(
      procs.map((loader, l) => {
        const answer = message<{ failed: number; firstError: string | null }>(loader, 'ready');
        loader.send({ type: 'idle', mode: kind, url, tokens: tokens.filter((_, i) => i % LOADERS === l) });
        return answer;
      }),
    );
    const failed = ready.reduce((n, r) => n + r.failed, 0);
    if (failed) console.error(`  ${kind} idle: ${failed} sockets failed: ${ready.find((r) => r.firstError)?.firstError}`);
    // Let the handshakes' garbage be collected before reading the resident set.
    await new Promise((r) => setTimeout(r, 5000));
    const after = memory(proc.pid!);
    return { name: kind, before, after: after.rss, peak: after.peak, connected: tokens.length - failed };
  } finally {
    await closeLoaders(procs);
    await stop(proc, `${kind} after the idle run`);
  }
}

// ───────────────────────── report ─────────────────────────

function row(run: Run) {
  const s = run.stats;
  const refused = Object.entries(s.refused)
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ');
  return `| ${run.name === 'api' ? `API (Socket.IO${REDIS ? ' + Redis' : ''})` : 'ceiling: bare ws relay'} | ${Math.round(s.accepted / SECONDS)} | ${Math.round(s.delivered / SECONDS)} | ${ms(percentile(s.latencies, 50))} | ${ms(percentile(s.latencies, 99))} | ${ms(percentile(s.ackLatencies, 99))} | ${Math.round(run.rssMb)} MB (peak ${Math.round(run.peakMb)}) | ${((run.cpuSeconds / SECONDS) * 100).toFixed(0)} % | ${s.sent} sent${refused ? `; ${refused}` : ''} |`;
}

const scratch = await scratchDatabase();
try {
  console.error(`Seeding ${WORKERS} workers on walks and ${IDLE} idle accounts…`);
  const world = await seedTracking(scratch.url, WORKERS, IDLE);
  console.error('Ceiling (bare ws relay)…');
  const ceiling = await live('ws', scratch.url, world.pairs);
  console.error('API…');
  const api = await live('api', scratch.url, world.pairs);
  const idleRuns = IDLE ? [await idle('api', scratch.url, world.idleTokens), await idle('ws', scratch.url, world.idleTokens)] : [];

  const ratio = api.stats.delivered / ceiling.stats.delivered;
  const apiP99 = percentile(api.stats.latencies, 99);
  const lines = [
    `## Tracking (\`npm run bench -- tracking\`) — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${machine()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )}; ${WORKERS} workers × 1 update per ${INTERVAL_MS} ms for ${SECONDS} s, ${WORKERS} owners watching; ${LOADERS} load processes; measured after a ${WARMUP} s warm-up${REDIS ? '; API with Redis' : ''}.`,
    '',
    '| run | accepted/s | delivered/s | fan-out p50 | fan-out p99 | ack p99 | server RSS | server CPU | note |',
    '|---|---|---|---|---|---|---|---|---|',
    row(api),
    row(ceiling),
    '',
    `- delivered API / ceiling = ${ratio.toFixed(2)} (goal ≥ ${GOAL.ratio}: ${ratio >= GOAL.ratio ? 'met' : 'NOT met'})`,
    `- fan-out p99 = ${ms(apiP99)} (goal < ${GOAL.p99Ms} ms: ${apiP99 < GOAL.p99Ms ? 'met' : 'NOT met'}) at ${Math.round(api.stats.accepted / SECONDS)} accepted updates/s (goal ${GOAL.updatesPerSecond}/s sustained: ${api.stats.accepted / SECONDS >= GOAL.updatesPerSecond ? 'met' : `not measured at that rate: BENCH_TRACKING_WORKERS=${GOAL.updatesPerSecond} asks for it`})`,
    `- database: ${api.statements} statements in all while ${api.stats.accepted} updates were accepted (${(api.statements! / Math.max(api.stats.accepted, 1)).toFixed(2)} per update); ${api.trackInserts} inserts into booking_track_points wrote ${api.trackRows} points (${(api.trackRows! / Math.max(api.trackInserts!, 1)).toFixed(0)} per insert)`,
    `- CPU over the window (% of one core): API ${((api.cpuSeconds / SECONDS) * 100).toFixed(0)} %, its load processes ${((api.loaderCpuSeconds / SECONDS) * 100).toFixed(0)} %, machine ${(api.machineBusy * 100).toFixed(0)} % busy of ${os.cpus().length} cores; ceiling ${((ceiling.cpuSeconds / SECONDS) * 100).toFixed(0)} %, its load processes ${((ceiling.loaderCpuSeconds / SECONDS) * 100).toFixed(0)} %, machine ${(ceiling.machineBusy * 100).toFixed(0)} % busy`,
    `- server CPU per delivered message: API ${((api.cpuSeconds / Math.max(api.stats.delivered, 1)) * 1e6).toFixed(0)} µs, ceiling ${((ceiling.cpuSeconds / Math.max(ceiling.stats.delivered, 1)) * 1e6).toFixed(0)} µs`,
  ];
  if (idleRuns.length) {
    lines.push('', '| idle sockets | connected | RSS before | RSS after | per socket | peak |', '|---|---|---|---|---|---|');
    for (const r of idleRuns)
      lines.push(
        `| ${r.name === 'api' ? 'API, authenticated Socket.IO' : 'bare ws server'} | ${r.connected} | ${Math.round(r.before)} MB | ${Math.round(r.after)} MB | ${(((r.after - r.before) * 1024) / Math.max(r.connected, 1)).toFixed(1)} kB | ${Math.round(r.peak)} MB |`,
      );
    const apiIdle = idleRuns[0]!;
    lines.push(
      '',
      `- ${apiIdle.connected} idle sockets: API RSS ${Math.round(apiIdle.after)} MB (goal < ${GOAL.idleRssMb} MB: ${apiIdle.after < GOAL.idleRssMb && apiIdle.connected >= IDLE ? 'met' : 'NOT met'})`,
    );
  }
  if (hungStops.length) lines.push('', `- did not exit within 15 s of SIGTERM (killed): ${hungStops.join('; ')}`);
  console.log(lines.join('\n'));
} finally {
  await scratch.drop();
}
