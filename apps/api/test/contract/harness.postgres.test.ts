import { describe, expect, it } from 'vitest';
import { testDatabase } from '../support/database.js';
import { runMalformed } from './run.js';

/**
 * The harness of malformed.postgres.test.ts, run on the routes of selftest.ts: a request that never
 * answers is a failure after its time limit while the app still handles others; one whose handler
 * blocks the app's event loop is a failure too, the app is started again, and the run goes on. Every
 * variant is also sent over a real HTTP connection: inject must answer what a client gets.
 */
describe('the malformed-request harness', () => {
  it('reports hangs, restarts an app whose event loop is blocked, goes on, and answers as a real HTTP client is answered', async () => {
    const { database, release } = await testDatabase();
    try {
      const { failures, stats, text } = await runMalformed(database, { budgetMs: 150_000, baseTimeoutMs: 2_000, selfTest: true, overHttp: true });
      const hung = failures.filter((f) => f.problems.some((p) => p.startsWith('no answer within')));
      expect(
        hung.map((f) => `${f.op}: ${f.label}`),
        text,
      ).toEqual(['selfTestStall: valid base request', 'selfTestLoop: valid base request']);
      expect(stats.restarts, text).toBe(1);
      // The app's own findings on these routes (framework errors outside the envelope…) are not the harness's business.
      expect(
        failures.filter((f) => f.problems.some((p) => p.startsWith('a real HTTP client'))).map((f) => `${f.op}: ${f.label}: ${f.problems.join('; ')}`),
        text,
      ).toEqual([]);
      expect(stats.requests, text).toBeGreaterThan(80);
      expect(
        failures.some((f) => f.op === 'health'),
        text,
      ).toBe(false);
      expect(stats.incomplete).toBeNull();
    } finally {
      await release();
    }
  }, 240_000);
});
