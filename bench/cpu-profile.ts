/**
 * Where a V8 CPU profile (`.cpuprofile`, as `profileChild` in support.ts writes it) spends its time,
 * by function: self time (the function's own code) of any code, and total time (itself and what it
 * calls) of our own code (apps/api/src, packages/shared/src), which says which of our steps a stall
 * is made of.
 */
import fs from 'node:fs';
import { root } from './support.js';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type FunctionTime = { name: string; ms: number };
/** `longestBusyMs`: the longest stretch of samples without one of the event loop waiting (`(idle)`): the profiled stall. */
export type ProfileSummary = { busyMs: number; gcMs: number; longestBusyMs: number; self: FunctionTime[]; ours: FunctionTime[] };

const OURS = /\/(apps\/api\/src|packages\/shared\/src)\//;
const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
/** The profiler's own work in the profiled process (the inspector session), not the request's. */
const PROFILER = /^node:inspector/;

/** "workerSlots (apps/api/src/modules/availability/slots.ts)", "partsOffset (luxon/build/es6/luxon.mjs:432)", "writev" (native). */
function keyOf(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = decodeURIComponent(frame.url.replace(/^file:\/\//, ''))
    .replace(`${root}/`, '')
    .replace(/^.*node_modules\//, '');
  // Our TypeScript runs transpiled by tsx, whose lines say nothing: the file is enough there.
  return OURS.test(frame.url) ? `${name} (${file})` : `${name} (${file}:${frame.lineNumber + 1})`;
}

export function summarizeProfile(file: string, top = 8): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  let stretch = 0;
  let longest = 0;
  profile.samples.forEach((id, i) => {
    // A sample stands for the time until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = byId.get(id)!.callFrame;
    stretch = frame.functionName === '(idle)' ? 0 : stretch + ms;
    longest = Math.max(longest, stretch);
    if (frame.functionName === '(idle)' || frame.functionName === '(program)' || PROFILER.test(frame.url)) return;
    busy += ms;
    if (frame.functionName === '(garbage collector)') gc += ms;
    self.set(keyOf(frame), (self.get(keyOf(frame)) ?? 0) + ms);
    // Each of our functions on the stack once, however deep the recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (SPECIAL.has(f.functionName) || !OURS.test(f.url)) continue;
      const key = keyOf(f);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  });
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms }));
  return { busyMs: busy, gcMs: gc, longestBusyMs: longest, self: ranked(self), ours: ranked(total) };
}

export function formatSummary(s: ProfileSummary): string {
  const list = (items: FunctionTime[]) => items.map((f) => `${f.ms.toFixed(0)} ms ${f.name}`).join('; ');
  return [
    `JavaScript ${s.busyMs.toFixed(0)} ms (garbage collection ${s.gcMs.toFixed(0)} ms), the longest without the loop idle ${s.longestBusyMs.toFixed(0)} ms`,
    `  self time: ${list(s.self)}`,
    `  total time in our code: ${list(s.ours)}`,
  ].join('\n');
}
