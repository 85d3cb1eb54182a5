import { describe, expect, it } from 'vitest';
import { haversineMeters, MAX_TRACK_POINTS, TRACK_VIEW_MAX_POINTS } from '@walkydoggy/shared';
import { acceptBatch, buildTrack, isJump, thinSegments, type RawPoint } from '../../src/modules/tracking/track.js';
import { etaOf, recentSpeed } from '../../src/modules/tracking/eta.js';

/** Points walking north from Mitte: `meters` north of the start after `seconds`. One degree of latitude is ~111.2 km. */
const T0 = Date.parse('2030-06-04T08:00:00Z');
const north = (seconds: number, meters: number, seq?: number): RawPoint => ({
  lng: 13.38,
  lat: 52.53 + meters / 111_195,
  t: T0 + seconds * 1000,
  seq: seq ?? null,
});

describe('buildTrack', () => {
  it('orders by time and drops duplicates by seq and by instant', () => {
    const a = north(0, 0, 1);
    const b = north(10, 14, 2);
    const c = north(20, 28, 3);
    const track = buildTrack([c, a, b, { ...b, lat: b.lat + 0.0001 } /* same seq */, { ...c, seq: 9 } /* same instant */]);
    expect(track.points.map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(track.duplicates).toBe(2);
    expect(track.jumps).toBe(0);
    expect(track.segments).toHaveLength(1);
    expect(track.distanceMeters).toBeCloseTo(28, 0);
  });

  it('finds duplicates in points already in time order too: a repeated seq, a repeated instant', () => {
    expect(buildTrack([north(0, 0, 1), north(10, 14, 2), north(20, 28, 1)]).points.map((p) => p.t)).toEqual([T0, T0 + 10_000]);
    expect(buildTrack([north(0, 0, 1), north(10, 14, 2), { ...north(10, 14), seq: 3 }])).toMatchObject({ duplicates: 1 });
    expect(buildTrack([north(0, 0, 1), north(10, 14, 2), north(20, 28, 3)])).toMatchObject({ duplicates: 0, distanceMeters: expect.closeTo(28, 0) });
  });

  it('drops a point implying more than 50 m/s and keeps measuring from the last accepted one', () => {
    // 10 s after the start, 2 km away: 200 m/s. The next point is plausible from the first one.
    const track = buildTrack([north(0, 0), north(10, 2000), north(20, 30)]);
    expect(track.jumps).toBe(1);
    expect(track.points.map((p) => p.t)).toEqual([T0, T0 + 20_000]);
    expect(track.distanceMeters).toBeCloseTo(30, 0);
  });

  it('splits at gaps longer than 60 s and does not count the gap as distance', () => {
    // 61 s gap with 1 km moved (16 m/s: plausible, but a gap).
    const track = buildTrack([north(0, 0), north(30, 40), north(91, 1040), north(120, 1080)]);
    expect(track.segments.map((s) => s.length)).toEqual([2, 2]);
    expect(track.distanceMeters).toBeCloseTo(80, 0);
    // Exactly 60 s apart is still one segment.
    expect(buildTrack([north(0, 0), north(60, 60)]).segments).toHaveLength(1);
  });

  it('an empty track has no segments and no distance', () => {
    expect(buildTrack([])).toMatchObject({ points: [], segments: [], duplicates: 0, jumps: 0, distanceMeters: 0 });
  });

  it('within one second a few metres of noise is not a jump, 60 m is', () => {
    expect(isJump(north(0, 0), { ...north(0, 5), t: T0 + 200 })).toBe(false);
    expect(isJump(north(0, 0), { ...north(0, 60), t: T0 + 200 })).toBe(true);
  });
});

describe('acceptBatch', () => {
  const window = { from: T0, to: null };

  it('ignores points already stored (same seq or same instant) and duplicates within the batch', () => {
    const stored = [north(0, 0, 0), north(10, 14, 1)];
    const batch = [north(10, 14, 7) /* stored instant */, north(5, 7, 1) /* stored seq */, north(20, 28, 2), north(20, 28, 2) /* twice */, north(30, 42, 3)];
    const out = acceptBatch(stored, batch, window);
    expect(out.accepted.map((p) => p.seq)).toEqual([2, 3]);
    expect(out).toMatchObject({ duplicates: 3, jumps: 0, outside: 0 });
  });

  it('restores order and counts points outside the walk', () => {
    const out = acceptBatch([], [north(30, 42, 3), north(-5, 0, 0), north(10, 14, 1), north(20, 28, 2), north(200, 100, 4)], { from: T0, to: T0 + 100_000 });
    expect(out.accepted.map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(out.outside).toBe(2);
  });

  it('drops jumps relative to the accepted neighbour before and the stored point after', () => {
    const stored = [north(0, 0, 0), north(40, 56, 4)];
    // seq 1 is fine; seq 2 is 3 km away (jump from seq 1); seq 3 is fine from seq 1 but 2 km from the stored seq 4.
    const batch = [north(10, 14, 1), north(20, 3000, 2), north(30, 56 + 2000, 3)];
    const out = acceptBatch(stored, batch, window);
    expect(out.accepted.map((p) => p.seq)).toEqual([1]);
    expect(out.jumps).toBe(2);
  });
});

describe('eta', () => {
  const home = { lng: 13.38, lat: 52.53 + 3000 / 111_195 };

  it('uses the average speed over the recent updates when there are at least 3', () => {
    const updates = [north(0, 0), north(60, 120), north(120, 240)]; // 2 m/s
    expect(recentSpeed(updates)).toBeCloseTo(2, 2);
    const eta = etaOf(updates[2]!, home, updates, new Date(T0 + 120_000));
    expect(eta.basis).toBe('recent_speed');
    expect(eta.distanceMeters).toBe(Math.round(haversineMeters(updates[2]!, home)));
    expect(eta.distanceMeters).toBeCloseTo(2760, -1);
    expect(eta.etaSeconds).toBeCloseTo(1380, -1);
  });

  it('falls back to 5 m/s with fewer than 3 updates in the last 5 minutes', () => {
    const updates = [north(0, 0), north(400, 600), north(460, 700)]; // the first is more than 5 min older than the last
    expect(recentSpeed(updates)).toBeNull();
    const eta = etaOf(updates[2]!, home, updates, new Date(T0));
    expect(eta).toMatchObject({ basis: 'default_speed', speedMps: 5, distanceMeters: 2300, etaSeconds: 460 });
  });
});

describe('thinSegments', () => {
  const count = (segments: RawPoint[][]) => segments.reduce((n, s) => n + s.length, 0);
  const ends = (segments: RawPoint[][]) => [segments[0]![0], segments.at(-1)!.at(-1)];

  it('draws a full track (MAX_TRACK_POINTS) with at most TRACK_VIEW_MAX_POINTS, its first and last point kept, its distance measured on all of them', () => {
    // 13.9 hours at a point a second, walking 1.4 m/s with a zigzag of 3 m across the way.
    const points = Array.from({ length: MAX_TRACK_POINTS }, (_, i) => ({ ...north(i, i * 1.4), lng: 13.38 + (i % 2) * 0.00004 }));
    const track = buildTrack(points);
    expect(track.points).toHaveLength(MAX_TRACK_POINTS);
    const drawn = thinSegments(track.segments, TRACK_VIEW_MAX_POINTS, track.distanceMeters);
    expect(count(drawn)).toBeLessThanOrEqual(TRACK_VIEW_MAX_POINTS);
    expect(count(drawn)).toBeGreaterThan(TRACK_VIEW_MAX_POINTS / 4);
    expect(ends(drawn)).toEqual([points[0], points.at(-1)]);
    // The drawn line follows the walk: what it leaves out is the zigzag, not the way.
    const drawnLength = drawn.reduce((sum, s) => sum + s.slice(1).reduce((m, p, i) => m + haversineMeters(s[i]!, p), 0), 0);
    expect(drawnLength).toBeGreaterThan(0.95 * (MAX_TRACK_POINTS - 1) * 1.4);
    expect(drawnLength).toBeLessThan(track.distanceMeters);
  });

  it('keeps every segment with its first and last point, and a point every 30 s of a stop', () => {
    // 20 minutes walking, a 10-minute stop on the spot, a gap of 2 minutes, 20 minutes walking: 3,000+ points.
    const walkA = Array.from({ length: 1200 }, (_, i) => north(i, i * 1.4));
    const stop = Array.from({ length: 600 }, (_, i) => north(1200 + i, 1199 * 1.4));
    const walkB = Array.from({ length: 1200 }, (_, i) => north(1920 + i, 1680 + i * 1.4));
    const track = buildTrack([...walkA, ...stop, ...walkB]);
    expect(track.segments).toHaveLength(2);
    const drawn = thinSegments(track.segments, 1000, track.distanceMeters);
    expect(drawn).toHaveLength(2);
    expect(count(drawn)).toBeLessThanOrEqual(1000);
    expect(drawn.map((s) => [s[0], s.at(-1)])).toEqual(track.segments.map((s) => [s[0], s.at(-1)]));
    const duringStop = drawn[0]!.filter((p) => p.t > T0 + 1200_000 && p.t < T0 + 1799_000);
    expect(duringStop.length).toBeGreaterThanOrEqual(19);
  });

  it('stays within its budget with many short segments, and leaves a track within it as it is', () => {
    // 3,000 segments of 3 points, 61 s apart.
    const points = Array.from({ length: 3000 }, (_, k) => [0, 1, 2].map((i) => north(k * 63 + i, k * 10 + i))).flat();
    const track = buildTrack(points);
    expect(track.segments).toHaveLength(3000);
    const drawn = thinSegments(track.segments, 1000, track.distanceMeters);
    expect(count(drawn)).toBe(1000);
    expect(ends(drawn)).toEqual([points[0], points.at(-1)]);
    expect(thinSegments(track.segments, 9000, track.distanceMeters)).toBe(track.segments);
  });
});
