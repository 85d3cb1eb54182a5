/**
 * Browser tests: starts the real server on a fresh data directory, drives Chromium through the
 * built web app, and prints `N passed, M failed`. Run with `npm run test:e2e`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { tests as authTests } from './auth.spec.js';
import { tests as bookingTests } from './bookings.spec.js';
import { tests as catalogTests } from './catalog.spec.js';
import { tests as mapTests } from './maps.spec.js';
import { tests as placesTests } from './places.spec.js';
import { tests as firstMinutesTests } from './first-minutes.spec.js';
import { tests as geocodeTests } from './geocode.spec.js';
import { tests as walkTests } from './walk.spec.js';
import { contextFor, type E2ETest } from './support/harness.js';
import { repoRoot, startServer } from './support/server.js';

const suites: E2ETest[] = [...authTests, ...catalogTests, ...geocodeTests, ...mapTests, ...bookingTests, ...placesTests, ...walkTests, ...firstMinutesTests];
const only = process.argv[2];
const selected = only ? suites.filter((t) => t.name.includes(only)) : suites;

if (!fs.existsSync(path.join(repoRoot, 'apps/web/dist/index.html'))) {
  console.error('apps/web/dist is missing: build the web app first (npm run build).');
  process.exit(1);
}

let passed = 0;
let failed = 0;
const started = Date.now();
console.log('Starting the server…');
const server = await startServer();
console.log(`Server ready at ${server.baseUrl} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

try {
  for (const test of selected) {
    const { ctx, finish, close } = contextFor(browser, server.baseUrl, server.dataDir);
    const t0 = Date.now();
    try {
      await test.run(ctx);
      await finish();
      passed += 1;
      console.log(`✓ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed += 1;
      console.log(`✗ ${test.name}\n  ${(err as Error).stack ?? String(err)}`.replace(/\n/g, '\n  '));
      if (server.exitCode() !== null) console.log(`  (the server exited with code ${server.exitCode()} during this test)`);
    } finally {
      await close();
    }
  }
} finally {
  await browser.close().catch(() => undefined);
  if (failed > 0 && server.log().trim()) console.log(`--- server output ---\n${server.log().trim()}\n---`);
  await server.stop();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
