/**
 * What the HTTP benchmarks share: a scratch PostgreSQL database per run, servers in child processes
 * (so that autocannon does not share their event loop), autocannon itself, pgbench with per-transaction
 * percentiles, and Markdown tables. Run as a script with WD_BENCH_CHILD set, this file is the child
 * server: `api` (the app on WD_BENCH_DB) or `hello` (a bare Fastify route, the HTTP ceiling).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const self = fileURLToPath(import.meta.url);
export const root = path.resolve(path.dirname(self), '..');
/** The API child signs and checks tokens with this secret, so a benchmark can sign its own. */
export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
/** The access-token lifetime of the bench servers (ACCESS_TOKEN_SECONDS): seeded tokens outlast a whole run. */
export const BENCH_TOKEN_SECONDS = 7200;
export const CONNECTIONS = 50;

export type Stats = { name: string; perSecond: number; p50: number; p99: number; note?: string };

// ───────────────────────── database ─────────────────────────

/** A new, empty database on the benchmark's server (BENCH_PG_URL), dropped again by `drop` (or left there by `keep`). */
export async function scratchDatabase(): Promise<{ name: string; url: string; drop(): Promise<void>; keep(): Promise<void> }> {
  const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `wd_bench_${crypto.randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  return {
    name,
    url,
    async drop() {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
    async keep() {
      await admin.end();
    },
  };
}

/** Fresh planner statistics after seeding, as a production database would have. */
export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('analyze');
  await client.end();
}

// ───────────────────────── child servers ─────────────────────────

/**
 * Starts a server in a child process and waits for its port. With BENCH_CPU_PROF set to a folder, the
 * API child writes a V8 CPU profile there when it stops (open it in Chrome DevTools or speedscope).
 */
export async function childServer(role: 'api' | 'hello', databaseUrl = ''): Promise<{ child: ChildProcess; port: number }> {
  const profile = role === 'api' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = fork(self, [], {
    env: { ...process.env, WD_BENCH_CHILD: role, WD_BENCH_DB: databaseUrl },
    execArgv: ['--import', 'tsx', ...profile],
    stdio: 'inherit',
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
  return { child, port };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** A statement as the API sent it: its text and its parameters as they went on the wire (pg's text form, null for SQL null). */
export type SentStatement = { text: string; values: (string | null)[]; named: boolean };

/**
 * Every statement the API child sends to the database while `during` runs, in order: the pool's and
 * pg-boss's alike, exactly as node-postgres sends them. Run `during` alone (no other load), or the
 * statements of other requests are mixed in.
 */
export async function recordStatements(child: ChildProcess, during: () => Promise<void>): Promise<SentStatement[]> {
  await askChild<boolean>(child, 'record', 'recording');
  const done = await during().then(
    () => null,
    (err: unknown) => err,
  );
  const sent = await askChild<SentStatement[]>(child, 'recorded', 'recorded');
  if (done) throw done;
  return sent;
}

/** How many statements the API child has sent to the database so far. */
export function statementsSent(child: ChildProcess): Promise<number> {
  return askChild<number>(child, 'statements', 'statements');
}

/**
 * A CPU profile of the API child while `during` runs (V8's sampling profiler, every 100 µs, through
 * the inspector), written to `file` (open it in Chrome DevTools or speedscope): where one request
 * spends its time, without profiling the whole run as BENCH_CPU_PROF does.
 */
export async function profileChild<T>(child: ChildProcess, file: string, during: () => Promise<T>): Promise<T> {
  await askChild<boolean>(child, 'profile:start', 'profiling');
  try {
    return await during();
  } finally {
    await askChild<string>(child, { profileTo: path.resolve(file) }, 'profiled');
  }
}

/**
 * CPU time the API child's main thread (its event loop) has used so far, in ms: a request that costs
 * it less than 100 ms of CPU cannot stall the loop for 100 ms, whatever the machine's load adds.
 */
export async function mainThreadCpuMs(child: ChildProcess): Promise<number> {
  const { user, system } = await askChild<{ user: number; system: number }>(child, 'cpu', 'threadCpu');
  return (user + system) / 1000;
}

/** Sends `message` to a child server and waits for its answer, the message that has `key`. */
function askChild<T>(child: ChildProcess, message: string | Record<string, unknown>, key: string): Promise<T> {
  return new Promise<T>((resolve) => {
    const answer = (m: unknown) => {
      if (m && typeof m === 'object' && key in m) {
        child.off('message', answer);
        resolve((m as Record<string, T>)[key]!);
      }
    };
    child.on('message', answer);
    child.send(message);
  });
}

/**
 * The configuration of the API child (outside production, so /metrics is open): no job workers, rate
 * limits out of reach, the bench's token secret. Seeds read from it what the API will use (the
 * password cost, the upload limit).
 */
export async function benchApiConfig(databaseUrl: string, overrides: Record<string, string | undefined> = {}) {
  const { loadConfig } = await import('../apps/api/src/platform/config.js');
  return loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    JOB_WORKERS: 'false',
    RATE_LIMIT_MAX: '100000000',
    AUTH_RATE_LIMIT_MAX: '100000000',
    JWT_SECRET,
    ACCESS_TOKEN_SECONDS: String(BENCH_TOKEN_SECONDS),
    SEED_DEMO: 'false',
    DATA_DIR: path.join(os.tmpdir(), 'wd-bench-api'),
    DATABASE_POOL_MAX: String(CONNECTIONS / 2),
    ...overrides,
  });
}

async function serveChild(role: string) {
  if (role === 'hello') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.get('/hello', async () => ({ hello: 'world' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.send!({ port: (app.server.address() as { port: number }).port });
    process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
    return;
  }
  // Every statement the API sends (pg-boss's included), for `statementsSent` and `recordStatements`.
  let statements = 0;
  let recording: SentStatement[] | null = null;
  const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue(v: unknown): unknown };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    if (recording) {
      // query(text, values?, cb?) or query({ text, values?, name? }, values?, cb?), as node-postgres takes them.
      const config = (typeof args[0] === 'string' ? { text: args[0] } : args[0]) as { text: string; values?: unknown[]; name?: string };
      const values = config.values ?? (Array.isArray(args[1]) ? (args[1] as unknown[]) : []);
      recording.push({
        text: config.text,
        // What the wire carries: node-postgres's text form of each value (dates with their offset, objects as JSON).
        values: values.map((v) => {
          const wire = prepareValue(v);
          return wire === null || wire === undefined ? null : String(wire);
        }),
        named: Boolean(config.name),
      });
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  let profiler: Session | null = null;
  process.on('message', async (m) => {
    if (m === 'statements') process.send!({ statements });
    if (m === 'cpu') process.send!({ threadCpu: process.threadCpuUsage() });
    if (m === 'record') {
      recording = [];
      process.send!({ recording: true });
    }
    if (m === 'recorded') {
      process.send!({ recorded: recording ?? [] });
      recording = null;
    }
    if (m === 'profile:start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
      process.send!({ profiling: true });
    }
    if (m && typeof m === 'object' && 'profileTo' in m && profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = null;
      const file = String((m as { profileTo: string }).profileTo);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      process.send!({ profiled: file });
    }
  });
  const { buildApp } = await import('../apps/api/src/app.js');
  const app = await buildApp(await benchApiConfig(process.env.WD_BENCH_DB!));
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as { port: number }).port });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

// ───────────────────────── load ─────────────────────────

export type AutocannonResult = {
  requests: { average: number };
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number }>;
  non2xx: number;
  errors: number;
  start: Date;
  finish: Date;
};

/** autocannon with `CONNECTIONS` connections against a child server on 127.0.0.1. */
export function autocannon(port: number, seconds: number, requests: Record<string, unknown>[]): Promise<AutocannonResult> {
  const run = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
  return run({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration: seconds, requests });
}

/**
 * pgbench `-n -M prepared -c CONNECTIONS -j 2` with `script` for `seconds`, with `variables` set for
 * every client (`-D name=value`: bound as parameters where the script names them); percentiles from
 * its per-transaction log. With `warmUpSeconds`, pgbench runs that much longer and only the
 * transactions that end in the `seconds` after it are measured: a new connection's first statements
 * load catalog caches and libraries (PostGIS), which the API's pooled connections did before its run.
 */
export async function pgbench(
  url: string,
  script: string,
  seconds: number,
  options: { variables?: Record<string, string>; warmUpSeconds?: number } = {},
): Promise<{ tps: number; transactions: number; total: number; p50: number; p99: number }> {
  const warmUp = options.warmUpSeconds ?? 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-pgbench-'));
  const file = path.join(dir, 'script.sql');
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
    String(seconds + warmUp),
    ...Object.entries(options.variables ?? {}).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
    '-f',
    file,
    '-l',
    '--log-prefix',
    path.join(dir, 'tx'),
    url,
  ];
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.env.PGBENCH ?? 'pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited with ${code}:\n${out}`))));
    });
    // Failed transactions would make the rate a different workload's (an aborted client already exits non-zero).
    if (Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0) > 0) throw new Error(`pgbench had failed transactions:\n${output}`);
    // Log lines: client_id transaction_no time_us script_no time_epoch time_us (the last two: when it ended).
    const all = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('tx'))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((line) => line.split(' ').map(Number))
      .filter((f) => f.length >= 6 && f.every(Number.isFinite))
      .map((f) => ({ ms: f[2]! / 1000, end: f[4]! * 1000 + f[5]! / 1000 }));
    const start = all.reduce((min, t) => Math.min(min, t.end - t.ms), Infinity);
    const from = start + warmUp * 1000;
    const measured = warmUp ? all.filter((t) => t.end >= from && t.end < from + seconds * 1000) : all;
    const latencies = measured.map((t) => t.ms).sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
    const tps = warmUp ? measured.length / seconds : Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? NaN);
    return { tps, transactions: measured.length, total: all.length, p50: pct(50), p99: pct(99) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ───────────────────────── reporting ─────────────────────────

export const ms = (v: number) => `${v.toFixed(1)} ms`;

/** A Markdown table of runs: per second (under `rateHeader`), p50, p99 and a note. */
export function statsTable(rows: Stats[], rateHeader = 'per s'): string {
  return [
    `| run | ${rateHeader} | p50 | p99 | note |`,
    `|---|---|---|---|---|`,
    ...rows.map((r) => `| ${r.name} | ${Math.round(r.perSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.note ?? ''} |`),
  ].join('\n');
}

/** "2 cores, Node v20…": what the figures were measured on. */
export const machine = () => `${os.cpus().length} cores, Node ${process.version}`;

if (process.env.WD_BENCH_CHILD && process.argv[1] && path.resolve(process.argv[1]) === self) await serveChild(process.env.WD_BENCH_CHILD);
