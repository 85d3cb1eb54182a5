import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFound } from '../../src/platform/errors.js';
import type { BaseEntry } from './base.js';

/**
 * Routes added to the app only by the harness's own test (harness.postgres.test.ts). Two hang: one
 * never answers but leaves its process free, the other loops without awaiting and blocks its process;
 * only their valid bodies reach the handler, every variant is refused by validation. Two more take
 * path, query and body values of every kind, so that inject and a real HTTP client can be compared
 * on the odd requests (over-long paths, broken escapes, lone surrogates, bodies that are not JSON).
 */
export function selfTestRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const hang = z.strictObject({ name: z.literal('hang') });
  r.post('/v1/selftest/stall', { schema: { operationId: 'selfTestStall', body: hang } }, () => new Promise<never>(() => {}));
  r.post('/v1/selftest/loop', { schema: { operationId: 'selfTestLoop', body: hang } }, () => {
    for (;;);
  });
  r.get(
    '/v1/selftest/items/:id',
    { schema: { operationId: 'selfTestRead', params: z.object({ id: z.uuid() }), querystring: z.object({ q: z.string().max(10).optional() }) } },
    () => {
      throw new NotFound('Item');
    },
  );
  r.post(
    '/v1/selftest/items',
    { schema: { operationId: 'selfTestCreate', body: z.object({ name: z.string().min(1).max(20), count: z.number().int().min(1).max(5).optional() }) } },
    async (request, reply) => reply.status(201).send({ success: true, data: request.body }),
  );
}

export const SELF_TEST_BASE: Record<string, BaseEntry> = {
  selfTestStall: { build: () => ({ body: { name: 'hang' } }) },
  selfTestLoop: { build: () => ({ body: { name: 'hang' } }) },
  selfTestRead: { build: () => ({ path: { id: '6f1c1d52-3c4f-4a8e-9d0b-2f3a4b5c6d7e' }, query: { q: 'walk' } }) },
  selfTestCreate: { build: () => ({ body: { name: 'Rex', count: 2 } }) },
  health: { build: () => ({}) },
};
