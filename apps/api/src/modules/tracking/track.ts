import { haversineMeters, MAX_PLAUSIBLE_SPEED_MPS, TRACK_GAP_SECONDS } from '@walkydoggy/shared';

/*
 * A booking's track as pure computation: no database, no clock. The same rules serve the live path
 * (one point against the last accepted one), the offline batch (new points among the stored ones) and
 * the reads (the tracking view and the walk report): duplicates are the same `seq` or the same
 * instant, order is the recorded time, a point implying more than MAX_PLAUSIBLE_SPEED_MPS from its
 * accepted neighbour is a jump, and a pause longer than TRACK_GAP_SECONDS starts a new segment.
 */

export type RawPoint = {
  lng: number;
  lat: number;
  /** The device's time of the fix, epoch milliseconds. */
  t: number;
  seq?: number | null;
  accuracyM?: number | null;
  speedMps?: number | null;
};

/** Whether going from `a` to `b` would need an impossible speed. Same-instant points are never jumps (they are duplicates). */
export function isJump(a: RawPoint, b: RawPoint): boolean {
  const seconds = Math.abs(b.t - a.t) / 1000;
  const meters = haversineMeters(a, b);
  // Within the same second GPS noise of a few metres is no jump; scale by at least one second.
  return meters / Math.max(seconds, 1) > MAX_PLAUSIBLE_SPEED_MPS;
}

/** Length of a polyline in metres. */
export function lengthMeters(points: RawPoint[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++) sum += haversineMeters(points[i - 1]!, points[i]!);
  return sum;
}

/** Splits time-ordered points where consecutive ones are more than TRACK_GAP_SECONDS apart. */
export function segmentsOf<P extends RawPoint>(points: P[]): P[][] {
  const segments: P[][] = [];
  let current: P[] = [];
  for (const p of points) {
    const prev = current[current.length - 1];
    if (prev && p.t - prev.t > TRACK_GAP_SECONDS * 1000) {
      segments.push(current);
      current = [];
    }
    current.push(p);
  }
  if (current.length) segments.push(current);
  return segments;
}

export type Track<P extends RawPoint> = {
  /** The kept points in time order. */
  points: P[];
  segments: P[][];
  duplicates: number;
  jumps: number;
  /** Sum of the segments' lengths: a gap is not distance walked. */
  distanceMeters: number;
};

/**
 * Dedupes, orders, drops jumps and cuts into segments: the track as it is drawn and measured. One
 * distance per pair of consecutive points serves the jump test and the length (a full track is 50,000).
 */
export function buildTrack<P extends RawPoint>(input: P[]): Track<P> {
  const { kept, duplicates } = dedupe(input);
  const points: P[] = [];
  const segments: P[][] = [];
  let jumps = 0;
  let distanceMeters = 0;
  for (const p of kept) {
    const prev = points[points.length - 1];
    if (!prev) {
      points.push(p);
      segments.push([p]);
      continue;
    }
    const meters = haversineMeters(prev, p);
    // As isJump: within the same second scaled by at least one second.
    if (meters / Math.max(Math.abs(p.t - prev.t) / 1000, 1) > MAX_PLAUSIBLE_SPEED_MPS) {
      jumps++;
      continue;
    }
    points.push(p);
    if (p.t - prev.t > TRACK_GAP_SECONDS * 1000) segments.push([p]);
    else {
      segments[segments.length - 1]!.push(p);
      distanceMeters += meters;
    }
  }
  return { points, segments, duplicates, jumps, distanceMeters };
}

/** Time order, the first of each `seq` and of each instant kept. */
function dedupe<P extends RawPoint>(input: P[]): { kept: P[]; duplicates: number } {
  // Stored points (the reads) are unique by the keys and come in time order: checked without a Set per point.
  if (inTimeOrderWithoutDuplicates(input)) return { kept: input.slice(), duplicates: 0 };
  const seenSeq = new Set<number>();
  const seenT = new Set<number>();
  const kept: P[] = [];
  for (const p of input) {
    if ((p.seq != null && seenSeq.has(p.seq)) || seenT.has(p.t)) continue;
    if (p.seq != null) seenSeq.add(p.seq);
    seenT.add(p.t);
    kept.push(p);
  }
  kept.sort((a, b) => a.t - b.t);
  return { kept, duplicates: input.length - kept.length };
}

/** Whether the instants strictly increase and no two points share a `seq` (a sorted copy of the seqs, not a Set). */
function inTimeOrderWithoutDuplicates(input: RawPoint[]): boolean {
  for (let i = 1; i < input.length; i++) if (!(input[i]!.t > input[i - 1]!.t)) return false;
  const seqs = new Float64Array(input.length);
  let n = 0;
  for (const p of input) if (p.seq != null) seqs[n++] = p.seq;
  const sorted = seqs.subarray(0, n).sort();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) return false;
  return true;
}

export type BatchOutcome<P extends RawPoint> = { accepted: P[]; duplicates: number; jumps: number; outside: number };

/**
 * Which points of an offline batch join a track that already holds `stored` (accepted before), for a
 * walk that ran from `window.from` to `window.to` (null: still running). A point is a duplicate when
 * its `seq` or instant is stored or earlier in the batch, outside when recorded out of the window,
 * and a jump when it is implausible from the accepted point before it or the stored point after it.
 */
export function acceptBatch<P extends RawPoint>(stored: RawPoint[], batch: P[], window: { from: number; to: number | null }): BatchOutcome<P> {
  const storedSeq = new Set(stored.flatMap((p) => (p.seq != null ? [p.seq] : [])));
  const storedT = new Set(stored.map((p) => p.t));
  const fresh = batch.filter((p) => !(p.seq != null && storedSeq.has(p.seq)) && !storedT.has(p.t));
  const { kept } = dedupe(fresh);
  const duplicates = batch.length - kept.length;
  const inside = kept.filter((p) => p.t >= window.from && (window.to === null || p.t <= window.to));
  const outside = kept.length - inside.length;

  // Walk the stored and new points together in time order; stored points are always kept.
  type Entry = { p: RawPoint; batch: boolean };
  const merged: Entry[] = [...stored.map((p) => ({ p, batch: false })), ...inside.map((p) => ({ p, batch: true }))].sort((a, b) => a.p.t - b.p.t);
  // The stored point after each position, found in one pass from the end.
  const nextStored: (RawPoint | undefined)[] = new Array(merged.length);
  for (let i = merged.length - 1, next: RawPoint | undefined; i >= 0; i--) {
    nextStored[i] = next;
    if (!merged[i]!.batch) next = merged[i]!.p;
  }
  const accepted: P[] = [];
  let jumps = 0;
  let prev: RawPoint | null = null;
  for (let i = 0; i < merged.length; i++) {
    const { p, batch: isNew } = merged[i]!;
    if (!isNew) {
      prev = p;
      continue;
    }
    const after = nextStored[i];
    if ((prev && isJump(prev, p)) || (after && isJump(p, after))) {
      jumps++;
      continue;
    }
    accepted.push(p as P);
    prev = p;
  }
  return { accepted, duplicates, jumps, outside };
}

/** Below this spacing a map shows no difference: GPS itself is this noisy. */
const MIN_VIEW_SPACING_M = 5;
/** While the walker stands still, one point this often keeps the stop's time on the map. */
const STOP_KEEP_MS = 30_000;

/**
 * The segments thinned for drawing: at most `budget` points in all, whatever the stored track holds
 * (MAX_TRACK_POINTS). A segment keeps its first and last point, a point once it is far enough from the
 * last kept one (the track's length over half the budget, at least MIN_VIEW_SPACING_M), and one every
 * STOP_KEEP_MS where the walker stood still. Only a track that is still over the budget then (a very
 * long one, or many short segments) is cut by an even stride over the kept points, the track's first and
 * last point always among them. Linear in the points. Distances are measured on the full track, not this.
 */
export function thinSegments<P extends RawPoint>(segments: P[][], budget: number, lengthM: number): P[][] {
  const total = segments.reduce((n, s) => n + s.length, 0);
  if (total <= budget) return segments;
  const spacing = Math.max(MIN_VIEW_SPACING_M, lengthM / Math.max(1, Math.floor(budget / 2)));
  const kept: { p: P; segment: number }[] = [];
  segments.forEach((segment, index) => {
    let last: P | undefined;
    for (let i = 0; i < segment.length; i++) {
      const p = segment[i]!;
      if (!last || i === segment.length - 1 || p.t - last.t >= STOP_KEEP_MS || haversineMeters(last, p) >= spacing) {
        kept.push({ p, segment: index });
        last = p;
      }
    }
  });
  let chosen = kept;
  if (kept.length > budget) {
    const step = (kept.length - 1) / (budget - 1);
    chosen = Array.from({ length: budget }, (_, i) => kept[Math.round(i * step)]!);
  }
  const out: P[][] = [];
  let current = -1;
  for (const { p, segment } of chosen) {
    if (segment !== current) {
      out.push([]);
      current = segment;
    }
    out[out.length - 1]!.push(p);
  }
  return out;
}
