import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../support/database.js';
import { runMalformed } from './run.js';

/**
 * Issue 10: every operation of the OpenAPI document gets malformed variants of its parameters and
 * body (generated from its schema, mutations.ts; uploads and Stripe events, special.ts), each one step
 * from a valid base request (base.ts) made against a small world (world.ts). Every answer must be
 * < 500, in the error envelope when ≥ 400, and come within 2 s; a malformed request must be refused
 * and must not commit a single row (writes.ts); the base requests must not be refused as malformed.
 * All failures are collected and reported together, grouped by operation (verdict.ts), in the
 * assertion message and in a file.
 *
 * The app runs in a child process (target.ts, driven by run.ts): a handler that loops without
 * awaiting would otherwise block the test's own timers. harness.postgres.test.ts shows the run going on
 * past such a hang.
 */

describe('malformed requests derived from the OpenAPI document', () => {
  it('are refused with a 4xx in the envelope within 2 s and write nothing; the valid base requests are not refused', async () => {
    const { database, release } = await testDatabase();
    try {
      const { failures, stats, text } = await runMalformed(database, { budgetMs: 240_000 });
      const file = path.join(os.tmpdir(), 'walkydoggy-malformed-report.txt');
      fs.writeFileSync(file, `${text}\n`);
      console.log(`${text.split('\n').slice(0, 3).join('\n')}\n(full report: ${file})`);
      expect(stats.incomplete, text).toBeNull();
      expect(failures.length, text).toBe(0);
    } finally {
      await release();
    }
  }, 330_000);
});
