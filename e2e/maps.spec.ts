import http from 'node:http';
import type { Page } from 'playwright-core';
import { PHONE, assert, watchConsole, type E2ETest } from './support/harness.js';

/** The MapLibre code, which only pages with a map may load. */
const MAP_CHUNK = /\/assets\/map-[\w-]+\.js$/;

/** Records the scripts the page loads. */
function scriptsOf(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') urls.push(request.url());
  });
  return urls;
}

/**
 * A street style with no remote tiles: a background and one GeoJSON layer around the demo city, with an
 * attribution, served over HTTP like a tile provider's style (CORS included).
 */
function styleServer(at: URL): Promise<{ requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const style = {
    version: 8,
    name: 'e2e-local',
    sources: {
      district: {
        type: 'geojson',
        attribution: '© E2E local style',
        data: {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [13.2, 52.45],
                [13.6, 52.45],
                [13.6, 52.6],
                [13.2, 52.6],
                [13.2, 52.45],
              ],
            ],
          },
        },
      },
    },
    layers: [
      { id: 'land', type: 'background', paint: { 'background-color': '#fef3c7' } },
      { id: 'district', type: 'fill', source: 'district', paint: { 'fill-color': '#93c5fd', 'fill-opacity': 0.6 } },
    ],
  };
  const server = http.createServer((req, res) => {
    if (req.url !== at.pathname) return void res.writeHead(404).end();
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(style));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(at.port), at.hostname, () => resolve({ requests: () => requests, close: () => new Promise((done) => server.close(() => done())) }));
  });
}

export const tests: E2ETest[] = [
  {
    name: 'maps: the landing page loads no map code, and the search list shows before the map',
    async run({ newPage }) {
      const page = await newPage();
      const scripts = scriptsOf(page);
      await page.goto('/');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      assert(!scripts.some((url) => MAP_CHUNK.test(url)), `the landing page loaded the map code: ${scripts.join(', ')}`);

      // Hold the map code back: the results must not wait for it.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(MAP_CHUNK, async (route) => {
        await held;
        await route.continue();
      });
      await page.goto('/search');
      await page.locator('.result').first().waitFor();
      assert((await page.locator('[data-map-ready="true"]').count()) === 0, 'the map was ready although its code was held back');
      release();
      await page.locator('[data-map-ready="true"]').waitFor({ timeout: 20_000 });
      assert(
        scripts.some((url) => MAP_CHUNK.test(url)),
        'the search page never loaded the map code',
      );
    },
  },
  {
    name: 'maps: an unreachable street style falls back to the built-in map with a notice and no console error',
    async run({ baseUrl, newPage, screenshot }) {
      const config = (await (await fetch(`${baseUrl}/v1/config`)).json()) as { data: { mapStyleUrl: string | null } };
      assert(config.data.mapStyleUrl, 'the e2e server has no MAP_STYLE_URL');
      const unreachableOrigin = new URL(config.data.mapStyleUrl).origin;
      for (const [size, name] of [
        [{ width: 1280, height: 860 }, '70-search-map-fallback'],
        [PHONE, '71-search-map-fallback-phone'],
      ] as const) {
        const page = await newPage(size);
        const consoleErrors = watchConsole(page, { unreachableOrigin });
        await page.goto('/search');
        await page.locator('.result').first().waitFor();
        // On a phone the map comes after the list, and starts when scrolled to.
        await page.getByRole('region', { name: 'Map of businesses' }).scrollIntoViewIfNeeded();
        await page.locator('[data-map-style="fallback"]').waitFor({ timeout: 20_000 });
        await page.getByRole('status').filter({ hasText: 'Street map unavailable — showing a simple map' }).waitFor();
        // The businesses are still on the map and the list still works.
        assert((await page.locator('.result').count()) > 0, 'no results beside the fallback map');
        await screenshot(page, name);
        consoleErrors.assertNone(`on /search with an unreachable map style (${size.width} px)`);
      }
    },
  },
  {
    name: 'maps: a configured street style is used, with its attribution',
    async run({ baseUrl, newPage, screenshot }) {
      // The server's MAP_STYLE_URL points at a port nobody listens on; for this test a style server answers there.
      const config = (await (await fetch(`${baseUrl}/v1/config`)).json()) as { data: { mapStyleUrl: string | null } };
      assert(config.data.mapStyleUrl, 'the e2e server has no MAP_STYLE_URL');
      const style = await styleServer(new URL(config.data.mapStyleUrl));
      try {
        const page = await newPage();
        const consoleErrors = watchConsole(page);
        await page.goto('/search');
        await page.locator('[data-map-style="configured"]').waitFor({ timeout: 20_000 });
        await page.getByText('© E2E local style').first().waitFor({ state: 'attached' });
        // Give a wrong fallback time to happen before checking it did not.
        await page.waitForTimeout(1_500);
        assert((await page.locator('[data-map-style="configured"]').count()) === 1, 'the map left the configured style');
        assert((await page.getByText('Street map unavailable').count()) === 0, 'the fallback notice shows with a working style');
        assert(style.requests() >= 1, 'the configured style was never fetched');
        await screenshot(page, '72-search-map-configured-style');
        consoleErrors.assertNone('on /search with a configured map style');
      } finally {
        await style.close();
      }
    },
  },
];
