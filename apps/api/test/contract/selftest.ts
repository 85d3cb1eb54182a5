import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BaseEntry } from './base.js';

/**
 * Routes that hang, added to the app only by the harness's own test (hang.postgres.test.ts), to show
 * that a hang is reported and the run goes on: one never answers but leaves its process free, the
 * other loops without awaiting and blocks its process. Their valid bodies hang; invalid ones are
 * refused by validation like anywhere else.
 */
export function selfTestRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Strict, so that only the valid base request reaches the handler and every variant is refused.
  const body = z.strictObject({ name: z.literal('hang') });
  r.post('/v1/selftest/stall', { schema: { operationId: 'selfTestStall', body } }, () => new Promise<never>(() => {}));
  r.post('/v1/selftest/loop', { schema: { operationId: 'selfTestLoop', body } }, () => {
    for (;;);
  });
}

export const SELF_TEST_BASE: Record<string, BaseEntry> = {
  selfTestStall: { build: () => ({ body: { name: 'hang' } }) },
  selfTestLoop: { build: () => ({ body: { name: 'hang' } }) },
  health: { build: () => ({}) },
};
