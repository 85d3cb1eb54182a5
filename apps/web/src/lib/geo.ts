/** Pure geometry for the service-area editor and map fitting; no map library here, so it is easy to test. */
import type { MultiPolygon, Polygon } from '../api/businesses';

export type LngLat = [number, number];

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * The clicked vertices as a GeoJSON Polygon: one outer ring, closed (last point = first point), wound
 * counter-clockwise as RFC 7946 asks. Null until there are three distinct points.
 */
export function verticesToPolygon(vertices: readonly LngLat[]): Polygon | null {
  const points: LngLat[] = [];
  for (const [lng, lat] of vertices) {
    const point: LngLat = [round(lng), round(lat)];
    const previous = points.at(-1);
    if (!previous || previous[0] !== point[0] || previous[1] !== point[1]) points.push(point);
  }
  const first = points[0];
  const last = points.at(-1);
  if (first && last && points.length > 1 && first[0] === last[0] && first[1] === last[1]) points.pop();
  if (points.length < 3 || Math.abs(signedArea(points)) < 1e-12) return null;
  const ring = signedArea(points) < 0 ? [...points].reverse() : points;
  return { type: 'Polygon', coordinates: [[...ring, [ring[0]![0], ring[0]![1]]]] };
}

/** The outer ring's vertices of a stored area, without the closing point, to edit it again. */
export function polygonToVertices(area: Polygon | MultiPolygon | null | undefined): LngLat[] {
  if (!area) return [];
  const ring = area.type === 'Polygon' ? area.coordinates[0] : area.coordinates[0]?.[0];
  if (!ring || ring.length < 2) return [];
  const open = ring.slice(0, -1);
  return open.map(([lng, lat]) => [lng, lat] as LngLat);
}

/** Shoelace formula; positive for counter-clockwise rings in lng/lat space. */
export function signedArea(ring: readonly LngLat[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Whether two segments of the ring cross: the API rejects self-intersecting areas, so say so before saving. */
export function selfIntersects(vertices: readonly LngLat[]): boolean {
  const n = vertices.length;
  if (n < 4) return false;
  for (let i = 0; i < n; i++) {
    const a1 = vertices[i]!;
    const a2 = vertices[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      // Neighbouring edges share a point and do not count as crossing.
      if (j === i || (j + 1) % n === i || (i + 1) % n === j) continue;
      if (segmentsCross(a1, a2, vertices[j]!, vertices[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

function orientation(p: LngLat, q: LngLat, r: LngLat): number {
  return Math.sign((q[1] - p[1]) * (r[0] - q[0]) - (q[0] - p[0]) * (r[1] - q[1]));
}

function segmentsCross(p1: LngLat, p2: LngLat, q1: LngLat, q2: LngLat): boolean {
  return orientation(p1, p2, q1) !== orientation(p1, p2, q2) && orientation(q1, q2, p1) !== orientation(q1, q2, p2);
}

/** South-west and north-east corners around points, or null for none. */
export function boundsOf(points: readonly LngLat[]): [LngLat, LngLat] | null {
  if (points.length === 0) return null;
  let [minLng, minLat] = points[0]!;
  let [maxLng, maxLat] = points[0]!;
  for (const [lng, lat] of points) {
    minLng = Math.min(minLng, lng);
    maxLng = Math.max(maxLng, lng);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  return [
    [minLng, minLat],
    [maxLng, maxLat],
  ];
}
