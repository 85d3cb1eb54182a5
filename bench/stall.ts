/**
 * Event-loop stalls (`npm run bench -- stall`): for each route family, its most expensive valid request
 * (stall-families.ts) against the worst case seeded on PostgreSQL (stall-seed.ts), sent to the API in a
 * child process once cold (the first request of a route meets unprepared statements and unoptimised
 * code: shown, not judged), then REPEATS times, one at a time. Meanwhile a probe in a worker thread of
 * this process (stall-probe.ts) sends `GET /healthz` back-to-back on its own keep-alive connection and
 * records the longest it waited for an answer; the API's own `nodejs_eventloop_stall_seconds` histogram
 * is read from /metrics before and after. The ceiling, measured in the same run: the probe's worst wait
 * with no request running (before the families and after them). Goal: no request makes /healthz wait
 * more than 100 ms. A request that is not 2xx fails the run (it would not be a valid one).
 *
 * Then one more run without the probe gives the CPU the API's main thread spent on the request: a stall
 * is at most that long, unless the loop blocks without using CPU (synchronous I/O), whatever the
 * machine's load adds to the waits. For a request over the goal that run is profiled (V8's sampling
 * profiler in the API child, `profileChild`) and where its time goes is printed below the table; the
 * profiles are kept in BENCH_STALL_PROFILE_DIR (default: a folder in the system's temporary directory;
 * `BENCH_STALL_PROFILE=0` skips them). BENCH_PG_URL overrides the PostgreSQL server, BENCH_STALL_REPEATS
 * the runs per request (3), BENCH_STALL_CITY the businesses of the city (3,000); BENCH_STALL_KEEP_DB=1
 * keeps the seeded database (its URL is printed) to look into a slow request.
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { MAX_TRACK_POINTS, TRACK_BATCH_MAX } from '@walkydoggy/shared';
import { formatSummary, summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { MAX_INPUT_PIXELS } from '../apps/api/src/modules/media/media.images.js';
import { benchApiConfig, childServer, machine, mainThreadCpuMs, profileChild, scratchDatabase, stop } from './support.js';
import { families, type BenchRequest, type Family } from './stall-families.js';
import { watchHealth, type ProbeWindow } from './stall-probe.js';
import { REFRESH_PRESENCE_SQL, rebuildReport } from './stall-seed-live.js';
import { seedStall, type StallWorld } from './stall-seed.js';

const REPEATS = Number(process.env.BENCH_STALL_REPEATS ?? 3);
const GOAL_MS = 100;
const IDLE_MS = 5000;
/** Between runs: the previous request's leftovers (garbage collection, pool upkeep) are not the next one's. */
const SETTLE_MS = 300;
const PROFILE = process.env.BENCH_STALL_PROFILE !== '0';
const KEEP_DATABASE = process.env.BENCH_STALL_KEEP_DB === '1';
/** `BENCH_STALL_FAMILIES=availability,calendar feed`: only these families (the seed is the same). */
const ONLY = process.env.BENCH_STALL_FAMILIES ? new Set(process.env.BENCH_STALL_FAMILIES.split(',').map((f) => f.trim())) : null;
const PROFILE_DIR = path.resolve(process.env.BENCH_STALL_PROFILE_DIR ?? path.join(os.tmpdir(), 'wd-bench-stall-profiles'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ───────────────────────── the API's stall histogram ─────────────────────────

type Histogram = { buckets: [number, number][]; count: number };
type Stalls = { count: number; largest: string };

async function readStalls(base: string): Promise<Histogram> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const buckets = [...text.matchAll(/^nodejs_eventloop_stall_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map((m): [number, number] => [
    m[1] === '+Inf' ? Infinity : Number(m[1]),
    Number(m[2]),
  ]);
  return { buckets, count: Number(/^nodejs_eventloop_stall_seconds_count (\S+)/m.exec(text)?.[1] ?? NaN) };
}

/** Stalls between two readings: how many, and the bucket the longest fell in. */
function stallsBetween(a: Histogram, b: Histogram): Stalls {
  const count = b.count - a.count;
  const grew = b.buckets.map(([le, n], i) => [le, n - (a.buckets[i]?.[1] ?? 0)] as const);
  // Buckets are cumulative: the longest stall lies in the first bucket that holds all of them.
  const index = grew.findIndex(([, n]) => n === count);
  const [le] = grew[index] ?? [Infinity];
  const below = index > 0 ? grew[index - 1]![0] : 0;
  const largest = count === 0 ? '—' : le === Infinity ? `> ${below * 1000} ms` : `${below * 1000}–${le * 1000} ms`;
  return { count, largest };
}

// ───────────────────────── one request ─────────────────────────

type Run = { status: number; ms: number; bytes: number; window: ProbeWindow; stalls: Stalls; problem: string | null };
/** `cpuMs`: the API's main-thread CPU for one more run without the probe (profiled when `profile` is set). */
type Result = { family: Family; cold: Run; runs: Run[]; cpuMs: number; profile: { file: string; summary: ProfileSummary } | null };

async function send(base: string, r: BenchRequest): Promise<{ status: number; bytes: number; body: string }> {
  const headers: Record<string, string> = {};
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  if (r.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${r.path}`, { method: r.method, headers, body: r.form ?? (r.json === undefined ? undefined : JSON.stringify(r.json)) });
  const bytes = Buffer.from(await response.arrayBuffer());
  // Only small answers are kept as text (to check them, or to show what went wrong).
  return { status: response.status, bytes: bytes.length, body: bytes.length < 200_000 || response.status >= 300 ? bytes.toString('utf8', 0, 200_000) : '' };
}

async function measure(base: string, probe: Awaited<ReturnType<typeof watchHealth>>, family: Family, run: number): Promise<Run> {
  await family.before?.();
  const request = family.build(run);
  await sleep(SETTLE_MS);
  const before = await readStalls(base);
  const started = performance.now();
  const { result, window } = await probe.measure(() => send(base, request));
  const ms = performance.now() - started;
  // A stall is recorded when the loop runs again, possibly just after the answer left.
  await sleep(SETTLE_MS);
  const stalls = stallsBetween(before, await readStalls(base));
  let problem: string | null = null;
  if (result.status < 200 || result.status > 299) problem = `${result.status}: ${result.body.slice(0, 400)}`;
  else if (family.check) problem = family.check(result.body ? JSON.parse(result.body) : null);
  return { status: result.status, ms, bytes: result.bytes, window, stalls, problem };
}

// ───────────────────────── the image ─────────────────────────

/**
 * The largest image the API takes: a JPEG of as many pixels as MAX_INPUT_PIXELS allows, as close under
 * the upload limit as a few tries get (smooth noise, enlarged: coarser noise compresses better).
 */
async function largestImage(maxBytes: number): Promise<Buffer> {
  const side = Math.floor(Math.sqrt(MAX_INPUT_PIXELS));
  for (const grain of [240, 200, 160, 120, 80]) {
    const noise = await sharp({
      create: { width: grain, height: grain, channels: 3, background: { r: 120, g: 140, b: 90 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer();
    const jpeg = await sharp(noise).resize(side, side, { kernel: 'cubic' }).jpeg({ quality: 92 }).toBuffer();
    if (jpeg.length <= maxBytes) return jpeg;
  }
  throw new Error('Could not make an image under the upload limit.');
}

// ───────────────────────── main ─────────────────────────

async function main() {
  const scratch = await scratchDatabase();
  let api: ChildProcess | null = null;
  let probe: Awaited<ReturnType<typeof watchHealth>> | null = null;
  const client = new pg.Client({ connectionString: scratch.url });
  try {
    const seedStart = performance.now();
    // The walk's track ends full (MAX_TRACK_POINTS) after the upload family's runs (cold, REPEATS, one without the probe).
    const trackPoints = MAX_TRACK_POINTS - (REPEATS + 2) * TRACK_BATCH_MAX;
    const [world, image] = await Promise.all([seedStall(scratch.url, { trackPoints }), largestImage((await benchApiConfig(scratch.url)).uploadMaxBytes)]);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(
      `Seeded in ${seedSeconds.toFixed(0)} s: ${Object.entries(world.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
    await client.connect();

    const server = await childServer('api', scratch.url);
    api = server.child;
    const base = `http://127.0.0.1:${server.port}`;
    const feeds = JSON.parse((await send(base, { method: 'GET', path: '/v1/calendars', token: world.bossToken })).body) as {
      data: { kind: string; url: string }[];
    };
    const feedUrl = feeds.data.find((f) => f.kind === 'business')!.url;
    let reportRebuilt = false;
    const list = families({
      world,
      image,
      feedPath: new URL(feedUrl).pathname,
      refreshPresence: async () => void (await client.query(REFRESH_PRESENCE_SQL)),
      // A change to the business's next booking, as the app would write it: the feed cannot be served from its cache.
      touchFeedBooking: async () =>
        void (await client.query(
          `update bookings set updated_at = now() where id = (select id from bookings where business_id = $1 and starts_at > now() order by starts_at limit 1)`,
          [world.businessId],
        )),
      // Once, after the uploads: the report of the full track, as the job would make it.
      rebuildReport: async () => {
        if (!reportRebuilt) await rebuildReport(scratch.url, world.walk.bookingId);
        reportRebuilt = true;
      },
    });

    if (ONLY) list.splice(0, list.length, ...list.filter((f) => ONLY.has(f.family)));
    probe = await watchHealth(server.port);
    const idle = async () => {
      const before = await readStalls(base);
      const { window } = await probe!.measure(() => sleep(IDLE_MS));
      return { window, stalls: stallsBetween(before, await readStalls(base)) };
    };
    // The first probes of a fresh process meet cold code: warm up before the ceiling is measured.
    await probe.measure(() => sleep(1000));
    const idleBefore = await idle();
    const results: Result[] = [];
    for (const family of list) {
      // The first run meets cold code and unprepared statements, once per process: shown, not judged.
      const cold = await measure(base, probe, family, 0);
      const runs: Run[] = [];
      for (let run = 1; run <= REPEATS; run++) runs.push(await measure(base, probe, family, run));
      // One more run without the probe (whose /healthz requests cost the loop CPU too): the loop's CPU
      // for the request alone, and where it goes when the request was over the goal.
      const over = Math.max(...runs.map((r) => r.window.worstMs)) > GOAL_MS;
      const file = path.join(PROFILE_DIR, `stall-${family.label.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.cpuprofile`);
      await family.before?.();
      await sleep(SETTLE_MS);
      // Read inside the profile: stopping it (serialising and writing the profile) costs the loop too.
      const quiet = async () => {
        const before = await mainThreadCpuMs(api!);
        const answer = await send(base, family.build(REPEATS + 1));
        await sleep(SETTLE_MS);
        if (answer.status < 200 || answer.status > 299)
          throw new Error(`${family.label}, the run without the probe: ${answer.status} ${answer.body.slice(0, 400)}`);
        return (await mainThreadCpuMs(api!)) - before;
      };
      const cpuMs = await (PROFILE && over ? profileChild(api, file, quiet) : quiet());
      const profile = PROFILE && over ? { file, summary: summarizeProfile(file) } : null;
      results.push({ family, cold, runs, cpuMs, profile });
      console.log(
        `${family.label}: ${[cold, ...runs].map((r) => `${r.status} in ${r.ms.toFixed(0)} ms, /healthz waited ${r.window.worstMs.toFixed(0)} ms`).join('; ')}`,
      );
    }
    const idleAfter = await idle();
    report(world, seedSeconds, results, [idleBefore, idleAfter]);
    const failures = results.flatMap(({ family, cold, runs }) =>
      [cold, ...runs].flatMap((r, i) => (r.problem ? [`${family.label}, run ${i}: ${r.problem}`] : [])),
    );
    if (failures.length) throw new Error(`Requests that were not the valid request asked for:\n${failures.join('\n')}`);
  } finally {
    await probe?.stop();
    if (api) await stop(api);
    await client.end().catch(() => {});
    if (KEEP_DATABASE) {
      await scratch.keep();
      console.log(`Kept the database: ${scratch.url}`);
    } else await scratch.drop();
  }
}

function report(world: StallWorld, seedSeconds: number, results: Result[], idle: { window: ProbeWindow; stalls: Stalls }[]) {
  const f0 = (v: number) => v.toFixed(0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const size = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} kB`);
  const rows = results.map(({ family, cold, runs, cpuMs, profile }) => {
    const worst = Math.max(...runs.map((r) => r.window.worstMs));
    const stalls = runs.map((r) => r.stalls).filter((s) => s.count > 0);
    return [
      family.family,
      family.label,
      [...new Set(runs.map((r) => r.status))].join(', '),
      `${f0(median(runs.map((r) => r.ms)))} ms (${runs.map((r) => f0(r.ms)).join(', ')})`,
      size(median(runs.map((r) => r.bytes))),
      `**${f0(worst)} ms** (${runs.map((r) => f0(r.window.worstMs)).join(', ')})`,
      `${f0(cold.window.worstMs)} ms`,
      stalls.length ? `${stalls.reduce((n, s) => n + s.count, 0)}, largest ${stalls.map((s) => s.largest).join(' / ')}` : '0',
      `${f0(cpuMs)} ms${profile ? ` (profiled; longest busy ${f0(profile.summary.longestBusyMs)} ms)` : ''}`,
      worst <= GOAL_MS ? 'yes' : cpuMs < GOAL_MS ? 'NO, but CPU < 100 ms' : 'NO',
    ];
  });
  const idleRows = idle.map((i, n) => [
    'ceiling',
    `idle: no request, ${IDLE_MS / 1000} s (${n === 0 ? 'before' : 'after'} the families)`,
    '—',
    '—',
    '—',
    `**${f0(i.window.worstMs)} ms** (${i.window.probes} probes)`,
    '—',
    i.stalls.count ? `${i.stalls.count}, largest ${i.stalls.largest}` : '0',
    '—',
    '—',
  ]);
  const table = [
    '| family | request | status | request time: median (runs) | answer | worst /healthz wait (runs) | cold first run: wait | API stalls ≥ 50 ms in the runs: count, largest | API main-thread CPU, a run without the probe | ≤ 100 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...[...idleRows, ...rows].map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
  const over = results.filter(({ runs }) => Math.max(...runs.map((r) => r.window.worstMs)) > GOAL_MS);
  const noise = over.filter((r) => r.cpuMs < GOAL_MS);
  const load = os.loadavg().map((l) => l.toFixed(1));
  console.log(`
Event-loop stalls per request (${REPEATS} runs each after a cold first one, one at a time; PostgreSQL; ${machine()}; load average ${load.join(', ')} at the end; seeded in ${seedSeconds.toFixed(0)} s)
${table}

- goal: no request makes /healthz wait more than ${GOAL_MS} ms: ${over.length ? `NOT met by ${over.length} of ${results.length} requests` : 'met'}${
    noise.length
      ? `; ${noise.length} of them cost the API's event loop less than ${GOAL_MS} ms of CPU, so their wait is mostly the machine's load, not their work`
      : ''
  }
- world: ${Object.entries(world.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
${over
  .flatMap((r) => (r.profile ? [`\n${r.family.label}: profile of one more run, ${r.profile.file}\n${formatSummary(r.profile.summary)}`] : []))
  .join('\n')}`);
}

await main();
