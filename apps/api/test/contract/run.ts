import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/platform/db.js';
import { Target, type Outcome } from './driver.js';
import type { Clocks, PlanItem } from './protocol.js';
import { installWriteLog, writeReader } from './writes.js';
import { excerpt, problemsOf, report, TIME_LIMIT_MS, type Failure, type RunStats } from './verdict.js';

/**
 * Sends every planned request to the app process, one at a time, and checks each answer: status,
 * envelope, time, and the rows committed from its start until it was answered. An operation that
 * writes after answering (buffered positions) is waited for after an accepted request; a write a
 * refused request left for later would be counted against the next request, still a failure.
 *
 * A request that gets no answer in time is a failure; if the app no longer handles messages at all
 * (a handler looping without awaiting), or several requests in a row got none, the app is killed and
 * started again on the same database and world, and the run goes on with the next request.
 */

export type RunOptions = {
  /** Stop sending (and say so) after this long, so a slow machine gives a report rather than a CI timeout. */
  budgetMs: number;
  baseTimeoutMs?: number;
  maxRestarts?: number;
  /** Plan only the self-test operations (selftest.ts) instead of the document's. */
  selfTest?: boolean;
  /** Send every variant over a real HTTP connection as well, and fail where the answers differ. */
  overHttp?: boolean;
};
export type RunResult = { failures: Failure[]; stats: RunStats; text: string };

export async function runMalformed(database: Database, opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const baseTimeoutMs = opts.baseTimeoutMs ?? 10_000;
  const maxRestarts = opts.maxRestarts ?? 6;
  const selfTest = Boolean(opts.selfTest);
  const url = database.url!;
  let target: Target | null = null;
  try {
    const first = await Target.start(url, { world: null, clocks: null, selfTest }, 120_000);
    target = first.target;
    const { plan, world, hash, summary, coverage } = first.ready;
    await installWriteLog(database);
    const writes = writeReader(database);
    await writes();

    const failures: Failure[] = [];
    const stats: RunStats = {
      requests: 0,
      variants: 0,
      bases: 0,
      operations: new Set(plan.map((p) => p.op)).size,
      seconds: 0,
      worldSeconds: first.seconds,
      startTimings: first.ready.timings,
      restarts: 0,
      byClass: summary.byClass,
      droppedValid: summary.droppedValid,
      baseNotes: [],
      incomplete: null,
    };
    const coverageFailure = (op: string, label: string, problem: string) =>
      failures.push({ op, cls: 'coverage', label, status: null, ms: null, excerpt: '', problems: [problem] });
    for (const id of coverage.uncovered) coverageFailure(id, 'no base request in base.ts, nor a reason in EXEMPT', 'operation not covered');
    for (const id of coverage.stale) coverageFailure(id, 'base request of an operation the document does not have', 'stale base entry');

    const fail = (item: PlanItem, status: number | null, ms: number | null, body: string, problems: string[]) =>
      failures.push({ op: item.op, cls: item.kind === 'base' ? 'base' : item.variant.cls, label: labelOf(item), status, ms, excerpt: body, problems });

    let clocks: Clocks | null = null;
    let consecutiveTimeouts = 0;
    /** A fresh app on the same database and world; false (and the run stops, with its report) when that is no use. */
    const restart = async (why: string): Promise<boolean> => {
      target?.kill();
      target = null;
      if (++stats.restarts > maxRestarts) {
        stats.incomplete = `the app is stuck: restarted ${maxRestarts} times (last because ${why})`;
        return false;
      }
      try {
        const again = await Target.start(url, { world, clocks, selfTest }, 120_000);
        target = again.target;
        if (again.ready.hash !== hash) throw new Error('the restarted app planned a different run: the generator is not deterministic');
      } catch (err) {
        stats.incomplete = `the app could not be started again (after ${why}): ${(err as Error).message}`;
        return false;
      }
      consecutiveTimeouts = 0;
      await writes();
      return true;
    };

    for (const item of plan) {
      if (performance.now() - started > opts.budgetMs) {
        stats.incomplete = `stopped after ${stats.requests} of ${plan.length} requests: the run took longer than ${opts.budgetMs / 1000} s`;
        break;
      }
      if (item.kind === 'variant' && item.variant.prelude) {
        await target!.run(item.index, true, baseTimeoutMs);
        await writes();
      }
      const limit = item.kind === 'base' ? baseTimeoutMs : TIME_LIMIT_MS;
      const t0 = performance.now();
      const outcome: Outcome = await target!.run(item.index, false, limit, Boolean(opts.overHttp) && item.kind === 'variant');
      const ms = performance.now() - t0;
      stats.requests++;
      if (item.kind === 'base') stats.bases++;
      else stats.variants++;

      if (outcome.type === 'answer') {
        consecutiveTimeouts = 0;
        clocks = outcome.clocks;
        const answer = outcome.answer;
        let written = await writes();
        if (outcome.writesBehind && answer.status < 400) {
          await target!.settle();
          written = merge(written, await writes());
        }
        const problems = problemsOf(item, answer, ms, written);
        const http = outcome.overHttp;
        if (http && (http.status !== answer.status || http.contentType !== answer.contentType || http.body !== answer.body))
          problems.push(`a real HTTP client got another answer: ${http.status} ${http.contentType} ${excerpt(http)}`);
        if (problems.length) fail(item, answer.status, ms, excerpt(answer), problems);
        if (item.kind === 'base' && (answer.status < 200 || answer.status >= 300))
          stats.baseNotes.push(`${labelOf(item)} of ${item.op}: ${answer.status} ${excerpt(answer)}`);
      } else if (outcome.type === 'error') {
        fail(item, null, ms, '', [`the test could not build the request: ${outcome.message.split('\n').slice(0, 3).join(' ')}`]);
      } else if (outcome.type === 'fatal') {
        stats.incomplete = `the app process failed: ${outcome.message}`;
        break;
      } else if (outcome.type === 'exited') {
        fail(item, null, ms, '', [`the app process died while answering (${outcome.code ?? outcome.signal})`]);
        if (!(await restart('the process died'))) break;
      } else {
        fail(item, null, ms, '', [`no answer within ${limit} ms`]);
        // Its event loop is blocked when it no longer answers a ping.
        if (!(await target!.responsive())) {
          if (!(await restart('its event loop was blocked'))) break;
        } else if (++consecutiveTimeouts >= 3 && !(await restart('three requests in a row got no answer'))) break;
      }
    }
    stats.seconds = (performance.now() - started) / 1000;
    return { failures, stats, text: report(failures, stats, first.ready.operations) };
  } finally {
    await (target as Target | null)?.stop();
  }
}

export const labelOf = (item: PlanItem) => (item.kind === 'base' ? `valid base request${item.flavour ? ` (${item.flavour})` : ''}` : item.variant.label);
const merge = (a: Record<string, number>, b: Record<string, number>) => {
  const out = { ...a };
  for (const [t, n] of Object.entries(b)) out[t] = (out[t] ?? 0) + n;
  return out;
};
