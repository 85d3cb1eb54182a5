/**
 * MapLibre set-up shared by every map: which style to use, and the fall-back to a built-in style
 * that draws without tiles or fonts, so maps keep working offline or when a tile server is down.
 */
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { searchApi } from '../api/search';
import { DEFAULT_CENTER } from './geo-defaults';

setWorkerUrl(workerUrl);

/** Only a background and a light graticule: no sources that need the network, no symbol layers that need glyphs. */
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
      { id: 'graticule', type: 'line', source: 'graticule', paint: { 'line-color': '#cfe3de', 'line-width': 1 } },
    ],
  };
}

let configured: Promise<string | null> | null = null;

/** The configured style URL (GET /v1/config), asked once per page load; null on any failure. */
export function mapStyleUrl(): Promise<string | null> {
  configured ??= searchApi
    .config()
    .then(({ data }) => data?.mapStyleUrl ?? null)
    .catch(() => null);
  return configured;
}

export type MapHandle = {
  map: MapLibreMap;
  /** Runs `draw` once the style is ready and again after every style swap (a swap drops our layers). */
  onStyle: (draw: () => void) => void;
  usingFallback: () => boolean;
};

/** Creates a map in `container`; a style or tile failure swaps to the built-in style once. */
export async function createMap(container: HTMLElement, options: { center?: [number, number]; zoom?: number; interactive?: boolean } = {}): Promise<MapHandle> {
  const url = await mapStyleUrl();
  let fallback = url === null;
  const map = new MapLibreMap({
    container,
    style: url ?? builtInStyle(),
    center: options.center ?? DEFAULT_CENTER,
    zoom: options.zoom ?? 11,
    interactive: options.interactive ?? true,
    attributionControl: url ? {} : false,
    cooperativeGestures: false,
  });
  if (options.interactive !== false) map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  const drawers: (() => void)[] = [];
  const redraw = () => drawers.forEach((draw) => draw());
  map.on('style.load', redraw);
  map.on('error', (event) => {
    if (fallback) return;
    // Our own GeoJSON sources never fail; an error here means the remote style, tiles, sprites or glyphs.
    console.warn('Map style failed; using the built-in style.', event.error);
    fallback = true;
    map.setStyle(builtInStyle());
  });
  return {
    map,
    onStyle(draw) {
      drawers.push(draw);
      if (map.isStyleLoaded()) draw();
    },
    usingFallback: () => fallback,
  };
}
