/**
 * Map style decisions that need no MapLibre (so they load with the page and are unit-tested): the
 * built-in style and when a configured street style counts as failed, and the map falls back to it.
 */
import type { StyleSpecification } from 'maplibre-gl';

/** How long a configured style may take to draw its first tile before the map gives up on it. */
export const STYLE_TIMEOUT_MS = 10_000;

/** Land, a light graticule and nothing that needs the network: no tiles, no glyphs, no sprites. */
export function builtInStyle(): StyleSpecification {
  const lines: [number, number][][] = [];
  for (let lng = -180; lng <= 180; lng += 1)
    lines.push([
      [lng, -85],
      [lng, 85],
    ]);
  for (let lat = -85; lat <= 85; lat += 1)
    lines.push([
      [-180, lat],
      [180, lat],
    ]);
  return {
    version: 8,
    sources: {
      graticule: { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: lines } } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef6f3' } },
      {
        id: 'graticule',
        type: 'line',
        source: 'graticule',
        paint: { 'line-color': '#cfe3de', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.5, 12, 1.5] },
      },
    ],
  };
}

/** What the map knows about its configured (remote) style so far. */
export type StyleState = {
  /** A configured style is in use (false: the built-in one from the start, or after falling back). */
  remote: boolean;
  /** The style document loaded (sprites and glyphs may still fail later). */
  styleLoaded: boolean;
  /** At least one tile of the style's own sources loaded: the tile server is reachable. */
  tileLoaded: boolean;
  /** The sources the configured style declares (empty until it loads). */
  styleSources: ReadonlySet<string>;
};

export type StyleEvent = { kind: 'error'; sourceId?: string } | { kind: 'timeout' };

/**
 * Whether to swap to the built-in style. A style that cannot load, or whose tiles never arrive, is
 * given up; once a tile has drawn, one failed tile (or sprite, or glyph) keeps the street map. Errors of
 * the page's own GeoJSON sources never count against the style.
 */
export function shouldFallBack(state: StyleState, event: StyleEvent): boolean {
  if (!state.remote) return false;
  if (event.kind === 'timeout') return !state.styleLoaded || !state.tileLoaded;
  if (!state.styleLoaded) return true;
  if (event.sourceId !== undefined && !state.styleSources.has(event.sourceId)) return false;
  return !state.tileLoaded;
}
