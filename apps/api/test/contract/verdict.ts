import type { Answer, PlanItem } from './protocol.js';

/** What is checked on every answer, and the grouped report of what failed. */

export const TIME_LIMIT_MS = 2_000;

export type Failure = { op: string; cls: string; label: string; status: number | null; ms: number | null; excerpt: string; problems: string[] };

function envelopeProblem(a: Answer): string | null {
  if (!a.contentType.includes('application/json')) return `answer outside the error envelope (content-type ${a.contentType || 'none'})`;
  let body: { success?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } };
  try {
    body = JSON.parse(a.body);
  } catch {
    return 'answer outside the error envelope (not JSON)';
  }
  const e = body.error;
  if (body.success !== false || typeof e !== 'object' || e === null || typeof e.code !== 'string' || typeof e.message !== 'string')
    return 'answer outside the error envelope';
  if (e.details !== undefined && !Array.isArray(e.details)) return 'answer outside the error envelope (details not an array)';
  return null;
}

export const listWrites = (w: Record<string, number>) =>
  Object.entries(w)
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ');

/** The problems of one answer; none when it is as the variant (or the base request) must be answered. */
export function problemsOf(item: PlanItem, a: Answer, ms: number, writes: Record<string, number>): string[] {
  const problems: string[] = [];
  if (a.status >= 500) problems.push(`answered ${a.status}`);
  if (a.status >= 400) {
    const envelope = envelopeProblem(a);
    if (envelope) problems.push(envelope);
  }
  if (item.kind === 'base') {
    const code = a.status >= 400 ? errorCodeOf(a) : null;
    if ([400, 422].includes(a.status) && code === 'VALIDATION_ERROR') problems.push('the valid base request was refused as malformed');
    if ([413, 415].includes(a.status)) problems.push(`the valid base request was refused (${a.status})`);
    return problems;
  }
  const v = item.variant;
  if (v.expect === 'refuse' && a.status < 400) problems.push(`accepted (${a.status}) instead of refused`);
  const allowed = new Set(a.status < 400 ? (v.allowWrites ?? []) : []);
  const forbidden = Object.fromEntries(Object.entries(writes).filter(([t]) => !allowed.has(t)));
  const mustNotWrite = v.expect !== 'survive' || a.status >= 400;
  if (mustNotWrite && Object.keys(forbidden).length) problems.push(`wrote rows: ${listWrites(forbidden)}`);
  if (ms > TIME_LIMIT_MS) problems.push(`took ${Math.round(ms)} ms (limit ${TIME_LIMIT_MS})`);
  return problems;
}

export function errorCodeOf(a: Answer): string | null {
  try {
    return (JSON.parse(a.body) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    return null;
  }
}

/** The first 200 characters of a body, readable: binary answers are named, control characters escaped. */
export function excerpt(a: Answer): string {
  if (a.contentType && !/json|text|html|calendar|xml/.test(a.contentType)) return `<${a.contentType}, not shown>`;
  return [...a.body.slice(0, 200)]
    .map((ch) => {
      const c = ch.charCodeAt(0);
      return c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff) ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
    })
    .join('');
}

export type RunStats = {
  requests: number;
  variants: number;
  bases: number;
  operations: number;
  seconds: number;
  /** Starting the app process and building the world, included in `seconds`. */
  worldSeconds: number;
  /** Of which: loading modules, building the apps, building the world. */
  startTimings: Record<string, number>;
  restarts: number;
  byClass: Record<string, number>;
  droppedValid: number;
  /** Base requests answered other than 2xx, and why (not failures by themselves). */
  baseNotes: string[];
  incomplete: string | null;
};

/** Failures grouped by operation, each with its variant class, status, time and the start of the body. */
export function report(failures: Failure[], stats: RunStats, operationsInfo: Record<string, string>): string {
  const lines: string[] = [];
  lines.push(
    `Malformed-request run: ${stats.requests} requests (${stats.variants} variants, ${stats.bases} base requests) over ${stats.operations} operations in ${stats.seconds.toFixed(1)} s (${stats.worldSeconds.toFixed(1)} s of it to start the app: ${Object.entries(
      stats.startTimings,
    )
      .map(([k, v]) => `${k} ${v} s`)
      .join(', ')}); ${stats.restarts} app restart(s).`,
    `Variants per class: ${Object.entries(stats.byClass)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}; ${stats.droppedValid} generated variants dropped because the document's schema accepts them.`,
  );
  if (stats.incomplete) lines.push(`INCOMPLETE: ${stats.incomplete}`);
  const kinds = new Map<string, number>();
  for (const f of failures)
    for (const p of f.problems) {
      const kind = p
        .replace(/:.*/, '')
        .replace(/\s*\(.*\)/, '')
        .replace(/\d+ ms/, 'N ms');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  lines.push(failures.length ? `${failures.length} failing requests; problems: ${[...kinds].map(([k, n]) => `${k}: ${n}`).join('; ')}.` : 'No failures.');
  const byOp = new Map<string, Failure[]>();
  for (const f of failures) byOp.set(f.op, [...(byOp.get(f.op) ?? []), f]);
  for (const [op, list] of byOp) {
    lines.push('', `${op} (${operationsInfo[op] ?? '?'}): ${list.length}`);
    for (const f of list.sort((a, b) => a.cls.localeCompare(b.cls)))
      lines.push(
        `  [${f.cls}] ${f.label} → ${f.status ?? 'no answer'}${f.ms !== null ? ` in ${Math.round(f.ms)} ms` : ''}: ${f.problems.join('; ')}${f.excerpt ? `\n      ${f.excerpt}` : ''}`,
      );
  }
  if (stats.baseNotes.length) lines.push('', 'Base requests answered other than 2xx (not failures by themselves):', ...stats.baseNotes.map((n) => `  ${n}`));
  return lines.join('\n');
}
