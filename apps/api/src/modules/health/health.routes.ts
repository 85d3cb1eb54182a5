import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.js';

const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), database: z.string().optional(), pendingMigrations: z.number().int().optional() });

export function healthModule(p: Pick<Platform, 'database'>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', { schema: { tags: ['health'], operationId: 'health', summary: 'The process is up', response: { 200: healthSchema } } }, async () => ({
      status: 'ok' as const,
    }));

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          operationId: 'ready',
          summary: 'The database is reachable and migrated',
          response: { 200: healthSchema, 503: healthSchema },
        },
      },
      async (request, reply) => {
        try {
          await p.database.db.execute(sql`select 1`);
          const pending = await p.database.pendingMigrations();
          if (pending > 0) return reply.status(503).send({ status: 'unavailable', database: p.database.kind, pendingMigrations: pending });
          return { status: 'ok' as const, database: p.database.kind, pendingMigrations: 0 };
        } catch (err) {
          request.log.warn({ err }, 'readiness check failed');
          return reply.status(503).send({ status: 'unavailable', database: p.database.kind });
        }
      },
    );
  };
}
