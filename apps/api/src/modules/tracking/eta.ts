import { haversineMeters, type Eta } from '@walkydoggy/shared';
import { lengthMeters, type RawPoint } from './track.js';

/*
 * The ETA of a worker on their way to a booking (docs/api/live.md): straight-line distance to the
 * booking's location over the worker's average speed of the last five minutes of updates, or a
 * default speed when too little is known.
 */

export const ETA_WINDOW_MS = 5 * 60_000;
export const ETA_MIN_POINTS = 3;
export const DEFAULT_SPEED_MPS = 5;
/** Below this the worker is standing (traffic lights, a dog that sniffs): their average says nothing about the way ahead. */
const STANDING_MPS = 0.3;

/** The worker's updates of the last ETA_WINDOW_MS before their newest one, oldest first. */
export function recentWindow(points: RawPoint[]): RawPoint[] {
  const last = points[points.length - 1];
  if (!last) return [];
  return points.filter((p) => last.t - p.t <= ETA_WINDOW_MS);
}

/** Path length over time span of the recent updates, or null when there are fewer than ETA_MIN_POINTS. */
export function recentSpeed(points: RawPoint[]): number | null {
  const recent = recentWindow(points);
  if (recent.length < ETA_MIN_POINTS) return null;
  const seconds = (recent[recent.length - 1]!.t - recent[0]!.t) / 1000;
  if (seconds <= 0) return null;
  const speed = lengthMeters(recent) / seconds;
  return speed < STANDING_MPS ? null : speed;
}

/** The ETA from `from` (the newest position) to `destination`, given the worker's recent updates. */
export function etaOf(from: { lng: number; lat: number }, destination: { lng: number; lat: number }, recent: RawPoint[], at: Date): Eta {
  const distance = haversineMeters(from, destination);
  const measured = recentSpeed(recent);
  const speedMps = measured ?? DEFAULT_SPEED_MPS;
  return {
    distanceMeters: Math.round(distance),
    etaSeconds: Math.round(distance / speedMps),
    speedMps: Math.round(speedMps * 100) / 100,
    basis: measured === null ? 'default_speed' : 'recent_speed',
    at: at.toISOString(),
  };
}
