/**
 * `npm run bench -- lighthouse`: Lighthouse (mobile preset: emulated phone, simulated slow 4G and CPU)
 * with the Debian Chromium (CHROMIUM_PATH, default /usr/bin/chromium) against the app started the way
 * the e2e tests start it (built web app served by the API, demo data around Berlin, map style
 * unreachable as on an offline machine). Prints performance, accessibility and best-practices scores
 * of the landing page, /search, a business page and the booking page of a service (signed in as the
 * demo pet owner), and the contrast failures. Not a test: figures go to bench/RESULTS.md by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { repoRoot, startServer } from '../e2e/support/server.js';

const DEMO_OWNER = 'owner@demo.walkydoggy.test';
const DEMO_PASSWORD = 'walkydoggy-demo';
const BERLIN = { lat: 52.52, lng: 13.405 };

if (!fs.existsSync(path.join(repoRoot, 'apps/web/dist/index.html'))) {
  console.error('apps/web/dist is missing: build the web app first (npm run build).');
  process.exit(1);
}

type Row = {
  page: string;
  url: string;
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  contrast: number;
};

const started = Date.now();
// LIGHTHOUSE_BASE_URL: measure a server that is already running (with the e2e demo data) instead.
const given = process.env.LIGHTHOUSE_BASE_URL;
if (!given) console.log('Starting the server (demo data, as for the e2e tests)…');
const server = given ? { baseUrl: given.replace(/\/$/, ''), stop: async () => undefined } : await startServer();
console.log(`Server ready at ${server.baseUrl} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
const only = process.env.LIGHTHOUSE_PAGES?.split(',');
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

/** Signs the demo owner in, in this browser (the session cookie stays), for the pages a signed-in owner sees. */
async function signIn() {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  await page.goto(`${server.baseUrl}/signin`);
  await page.locator('input[type="email"]').fill(DEMO_OWNER);
  await page.locator('input[type="password"]').fill(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.pathname === '/dashboard', { timeout: 20_000 });
  await page.close();
  await browser.disconnect();
}

try {
  const search = (await (await fetch(`${server.baseUrl}/v1/services/search?lat=${BERLIN.lat}&lng=${BERLIN.lng}&radius=25&serviceType=walking`)).json()) as {
    data: { id: string; business: { id: string } }[];
  };
  const first = search.data[0];
  if (!first) throw new Error('the demo data has no walking service near Berlin');

  const pages: [string, string][] = [
    ['landing', '/'],
    ['search', '/search'],
    ['business', `/businesses/${first.business.id}`],
    ['booking (signed in)', `/book/${first.id}`],
  ];
  const rows: Row[] = [];
  for (const [name, route] of pages) {
    if (only && !only.some((o) => name.startsWith(o))) continue;
    if (route.startsWith('/book/')) await signIn();
    const result = await lighthouse(`${server.baseUrl}${route}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    if (!result) throw new Error(`Lighthouse gave no result for ${route}`);
    const { lhr } = result;
    if (lhr.runtimeError) console.log(`  ${name}: Lighthouse error ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const contrast = lhr.audits['color-contrast'];
    const failures = (contrast?.details as { items?: { node?: { snippet?: string; explanation?: string } }[] } | undefined)?.items ?? [];
    rows.push({
      page: name,
      url: new URL(lhr.finalDisplayedUrl).pathname,
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      fcpMs: Math.round(lhr.audits['first-contentful-paint']?.numericValue ?? 0),
      cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? 0,
      lcpMs: Math.round(lhr.audits['largest-contentful-paint']?.numericValue ?? 0),
      tbtMs: Math.round(lhr.audits['total-blocking-time']?.numericValue ?? 0),
      contrast: contrast?.score === 1 || contrast?.score === null ? 0 : failures.length,
    });
    for (const item of failures) console.log(`  contrast (${name}): ${item.node?.snippet ?? ''} ${item.node?.explanation?.split('\n')[1] ?? ''}`);
    const failing = Object.values(lhr.audits).filter(
      (a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable',
    );
    const bootup = (lhr.audits['bootup-time']?.details as { items?: { url: string; total: number }[] } | undefined)?.items ?? [];
    console.log(
      `  ${name}: script time ${bootup
        .slice(0, 4)
        .map((i) => `${i.url.replace(server.baseUrl, '')} ${Math.round(i.total)} ms`)
        .join(', ')}`,
    );
    const lcpItems = (lhr.audits['largest-contentful-paint-element']?.details as { items?: { items?: { node?: { snippet?: string } }[] }[] } | undefined)
      ?.items;
    const lcpNode = lcpItems?.[0]?.items?.[0]?.node?.snippet;
    if (lcpNode) console.log(`  ${name}: largest paint ${lcpNode}`);
    const tasks = (lhr.audits['long-tasks']?.details as { items?: { url: string; duration: number; startTime: number }[] } | undefined)?.items ?? [];
    console.log(
      `  ${name}: long tasks ${tasks
        .slice(0, 5)
        .map((t) => `${t.url.replace(server.baseUrl, '')} ${Math.round(t.duration)} ms @${Math.round(t.startTime)}`)
        .join(', ')}`,
    );
    const shifts = (lhr.audits['layout-shifts']?.details as { items?: { node?: { snippet?: string }; score?: number }[] } | undefined)?.items ?? [];
    for (const shift of shifts.slice(0, 3)) console.log(`  ${name}: layout shift ${shift.score?.toFixed(3)} ${shift.node?.snippet ?? ''}`);
    console.log(`  ${name}: below 0.9 — ${failing.map((a) => a.id).join(', ') || 'none'}`);
  }
  console.log('\nLighthouse, mobile preset (simulated slow 4G, 4× CPU slow-down), this machine:\n');
  console.log('| page | path | performance | accessibility | best practices | FCP | LCP | TBT | CLS | contrast failures |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.page} | \`${r.url.replace(/[0-9a-f-]{36}/, ':id')}\` | ${r.performance} | ${r.accessibility} | ${r.bestPractices} | ${(r.fcpMs / 1000).toFixed(1)} s | ${(r.lcpMs / 1000).toFixed(1)} s | ${r.tbtMs} ms | ${r.cls.toFixed(3)} | ${r.contrast} |`,
    );
} finally {
  chrome.kill();
  await server.stop();
}
