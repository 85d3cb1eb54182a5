/**
 * The route of a walk as the pages draw it: segments of points split at gaps (docs/api/live.md), so a
 * stretch without signal is never drawn as a straight line, plus the figures shown beside the map.
 */
import { haversineMeters, TRACK_GAP_SECONDS, type TrackPoint, type WalkEventKind } from '@walkydoggy/shared';

/**
 * Adds a live point to the route: it extends the last segment unless it comes more than
 * TRACK_GAP_SECONDS after that segment's last point (then it starts a new one). A point not newer than
 * the last one (a repeat after a reconnect) changes nothing. Returns new arrays (the old ones are kept).
 */
export function extendRoute(segments: TrackPoint[][], point: TrackPoint): TrackPoint[][] {
  const last = segments.at(-1);
  const previous = last?.at(-1);
  if (!last || !previous) return [...segments.filter((s) => s.length), [point]];
  const gapSeconds = (Date.parse(point.at) - Date.parse(previous.at)) / 1000;
  if (gapSeconds <= 0) return segments;
  if (gapSeconds > TRACK_GAP_SECONDS) return [...segments, [point]];
  return [...segments.slice(0, -1), [...last, point]];
}

/** Sum of the segments' lengths in metres (gaps are not distance walked). */
export function routeMeters(segments: readonly (readonly { lng: number; lat: number }[])[]): number {
  let total = 0;
  for (const segment of segments) for (let i = 1; i < segment.length; i++) total += haversineMeters(segment[i - 1]!, segment[i]!);
  return total;
}

/** GeoJSON MultiLineString coordinates: one line per segment. */
export function multiLine(segments: readonly (readonly { lng: number; lat: number }[])[]): [number, number][][] {
  return segments.filter((s) => s.length).map((s) => s.map((p) => [p.lng, p.lat] as [number, number]));
}

/** "1.24 km" (or metres under one kilometre). */
export function formatDistance(meters: number): string {
  return meters < 1000 ? `${Math.round(meters)} m` : `${(meters / 1000).toFixed(2)} km`;
}

/** "12 min", "1 h 05 min", "45 s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

export const WALK_EVENT_LABELS: Record<WalkEventKind, string> = {
  pee: 'Pee',
  poo: 'Poo',
  water: 'Water',
  food: 'Food',
  photo: 'Photo',
  note: 'Note',
};

export const WALK_EVENT_ICONS: Record<WalkEventKind, string> = {
  pee: '💧',
  poo: '💩',
  water: '🥣',
  food: '🍖',
  photo: '📷',
  note: '📝',
};
