import { describe, expect, it } from 'vitest';
import { testDatabase } from '../support/database.js';
import { runMalformed } from './run.js';

/**
 * The harness of malformed.postgres.test.ts against two routes that hang (selftest.ts): a request
 * that never answers is a failure after 2 s while the app still handles others; one whose handler
 * blocks the app's event loop is a failure too, the app is started again, and the run goes on.
 */
describe('the malformed-request run, when a request hangs', () => {
  it('reports the hang, restarts an app whose event loop is blocked, and goes on with the next operation', async () => {
    const { database, release } = await testDatabase();
    try {
      const { failures, stats, text } = await runMalformed(database, { budgetMs: 60_000, baseTimeoutMs: 2_000, selfTest: true });
      const hung = failures.filter((f) => f.problems.some((p) => p.startsWith('no answer within')));
      expect(
        hung.map((f) => `${f.op}: ${f.label}`),
        text,
      ).toEqual(['selfTestStall: valid base request', 'selfTestLoop: valid base request']);
      expect(stats.restarts, text).toBe(1);
      // Everything else, the variants of the hanging routes and the operation after them, was answered and passed.
      expect(
        failures.filter((f) => !hung.includes(f)),
        text,
      ).toEqual([]);
      expect(stats.requests, text).toBeGreaterThan(20);
      expect(stats.incomplete).toBeNull();
    } finally {
      await release();
    }
  }, 120_000);
});
