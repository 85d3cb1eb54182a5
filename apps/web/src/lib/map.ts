/**
 * The one map factory every map uses: the configured street style (GET /v1/config), attribution as the
 * style requires, and the fall-back to the built-in style when the style or its tiles cannot be loaded.
 * This module pulls in MapLibre (≈1 MB): import it only with `import()` (MapCanvas does), so pages
 * without a map never load it.
 */
import * as maplibre from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { searchApi } from '../api/search';
import { DEFAULT_CENTER } from './geo-defaults';
import { STYLE_TIMEOUT_MS, builtInStyle, shouldFallBack, type StyleState } from './map-style';

export { builtInStyle } from './map-style';

maplibre.setWorkerUrl(workerUrl);

let configured: Promise<string | null> | null = null;

/** The configured style URL (GET /v1/config), asked once per page load; null on any failure. */
export function mapStyleUrl(): Promise<string | null> {
  configured ??= searchApi
    .config()
    .then(({ data }) => data?.mapStyleUrl ?? null)
    .catch(() => null);
  return configured;
}

export type MapLibre = typeof maplibre;

export type MapHandle = {
  map: maplibre.Map;
  /** MapLibre itself (markers, bounds), so components need only `import type` from maplibre-gl. */
  lib: MapLibre;
  /** Runs `draw` once the style is ready and again after every style swap (a swap drops our layers). */
  onStyle: (draw: () => void) => void;
  usingFallback: () => boolean;
};

export type MapOptions = {
  center?: [number, number];
  zoom?: number;
  interactive?: boolean;
  /** Called once if the configured style is given up for the built-in one. */
  onFallback?: () => void;
};

/** Creates a map in `container`; a style or tile failure swaps to the built-in style once. */
export async function createMap(container: HTMLElement, options: MapOptions = {}): Promise<MapHandle> {
  const url = await mapStyleUrl();
  const state: StyleState = { remote: url !== null, styleLoaded: false, tileLoaded: false, styleSources: new Set() };
  const map = new maplibre.Map({
    container,
    style: url ?? builtInStyle(),
    center: options.center ?? DEFAULT_CENTER,
    zoom: options.zoom ?? 11,
    interactive: options.interactive ?? true,
    // Compact (an "i" button) on narrow maps, spelled out on wide ones; the built-in style needs none.
    attributionControl: url ? {} : false,
    cooperativeGestures: false,
  });
  if (options.interactive !== false) map.addControl(new maplibre.NavigationControl({ showCompass: false }), 'top-right');

  const fallBack = () => {
    state.remote = false;
    clearTimeout(timer);
    console.warn('The street map could not be loaded; using the built-in map style.');
    map.setStyle(builtInStyle());
    options.onFallback?.();
  };
  const timer = url ? setTimeout(() => shouldFallBack(state, { kind: 'timeout' }) && fallBack(), STYLE_TIMEOUT_MS) : undefined;
  map.once('remove', () => clearTimeout(timer));

  const drawers: (() => void)[] = [];
  map.on('style.load', () => {
    if (state.remote && !state.styleLoaded) {
      state.styleLoaded = true;
      state.styleSources = new Set(Object.keys(map.getStyle().sources));
      // A style without sources (only a background) has no tiles to wait for.
      if (state.styleSources.size === 0) state.tileLoaded = true;
    }
    drawers.forEach((draw) => draw());
  });
  map.on('sourcedata', (event) => {
    if (state.remote && event.tile && state.styleSources.has(event.sourceId)) state.tileLoaded = true;
  });
  // Listening here also keeps MapLibre from logging the failure as a console error.
  map.on('error', (event: maplibre.ErrorEvent & { sourceId?: string }) => {
    if (shouldFallBack(state, { kind: 'error', sourceId: event.sourceId })) fallBack();
    else console.warn('Map error:', event.error?.message);
  });
  return {
    map,
    lib: maplibre,
    onStyle(draw) {
      drawers.push(draw);
      if (map.isStyleLoaded()) draw();
    },
    usingFallback: () => url !== null && !state.remote,
  };
}
