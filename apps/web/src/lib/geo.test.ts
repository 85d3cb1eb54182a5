import { describe, expect, it } from 'vitest';
import { polygonToVertices, selfIntersects, signedArea, verticesToPolygon, type LngLat } from './geo';

describe('service area drawing', () => {
  const square: LngLat[] = [
    [13.3, 52.5],
    [13.5, 52.5],
    [13.5, 52.6],
    [13.3, 52.6],
  ];

  it('turns clicked vertices into a closed GeoJSON polygon', () => {
    const polygon = verticesToPolygon(square);
    expect(polygon).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [13.3, 52.5],
          [13.5, 52.5],
          [13.5, 52.6],
          [13.3, 52.6],
          [13.3, 52.5],
        ],
      ],
    });
  });

  it('winds the ring counter-clockwise whichever way it was clicked', () => {
    const polygon = verticesToPolygon([...square].reverse());
    const ring = polygon!.coordinates[0]!;
    expect(signedArea(ring.slice(0, -1) as LngLat[])).toBeGreaterThan(0);
    expect(ring[0]).toEqual(ring.at(-1));
  });

  it('needs three distinct points, ignoring double clicks and a click back on the start', () => {
    expect(verticesToPolygon([])).toBeNull();
    expect(verticesToPolygon(square.slice(0, 2))).toBeNull();
    expect(verticesToPolygon([square[0]!, square[0]!, square[1]!])).toBeNull();
    expect(verticesToPolygon([square[0]!, square[1]!, [13.4, 52.5]])).toBeNull(); // all on one line
    const closedByHand = verticesToPolygon([...square, square[0]!]);
    expect(closedByHand!.coordinates[0]).toHaveLength(5);
  });

  it('rounds coordinates to about 10 cm', () => {
    const polygon = verticesToPolygon([
      [13.123456789, 52.1],
      [13.2, 52.1],
      [13.2, 52.2],
    ]);
    expect(polygon!.coordinates[0]![0]).toEqual([13.123457, 52.1]);
  });

  it('reads a stored polygon back into editable vertices', () => {
    expect(polygonToVertices(verticesToPolygon(square))).toEqual(square);
    expect(polygonToVertices(null)).toEqual([]);
    expect(polygonToVertices({ type: 'MultiPolygon', coordinates: [[[...square, square[0]!]]] })).toEqual(square);
  });

  it('spots an outline that crosses itself (a bow tie)', () => {
    expect(selfIntersects(square)).toBe(false);
    expect(selfIntersects([square[0]!, square[2]!, square[1]!, square[3]!])).toBe(true);
  });
});
