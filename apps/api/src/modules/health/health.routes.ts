import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.js';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  database: z.string().optional(),
  pendingMigrations: z.number().int().optional(),
  /** Absent without REDIS_URL. */
  redis: z.enum(['up', 'down']).optional(),
  /** Why the instance is degraded or unavailable. */
  reasons: z.array(z.string()).optional(),
});

/*
 * /healthz: the process answers. /readyz: it can serve. Only an unusable database makes it 503;
 * Redis being away makes it "degraded" with the reason but still 200: every instance shares the same
 * Redis, so a 503 would make the load balancer drop all of them at once, while each still serves
 * with its fallbacks (docs/api/live.md, "When Redis is away").
 */
export function healthModule(p: Pick<Platform, 'database' | 'redis'>): FastifyPluginAsyncZod {
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
          summary: 'The database is reachable and migrated (503 otherwise); "degraded" while Redis is away',
          response: { 200: healthSchema, 503: healthSchema },
        },
      },
      async (request, reply) => {
        const redisProblem = p.redis?.problem() ?? null;
        const redis = p.redis ? { redis: redisProblem ? ('down' as const) : ('up' as const) } : {};
        const reasons = redisProblem ? [redisProblem] : [];
        try {
          await p.database.db.execute(sql`select 1`);
          const pending = await p.database.pendingMigrations();
          if (pending > 0)
            return reply.status(503).send({
              status: 'unavailable',
              database: p.database.kind,
              pendingMigrations: pending,
              ...redis,
              reasons: [`${pending} migrations pending`, ...reasons],
            });
          if (redisProblem) return { status: 'degraded' as const, database: p.database.kind, pendingMigrations: 0, ...redis, reasons };
          return { status: 'ok' as const, database: p.database.kind, pendingMigrations: 0, ...redis };
        } catch (err) {
          request.log.warn({ err }, 'readiness check failed');
          return reply.status(503).send({ status: 'unavailable', database: p.database.kind, ...redis, reasons: ['database: not reachable', ...reasons] });
        }
      },
    );
  };
}
