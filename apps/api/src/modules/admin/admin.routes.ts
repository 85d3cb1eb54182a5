import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { okEnvelope, platformSettingsPatchSchema, platformSettingsSchema } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { audit } from '../../platform/audit.js';

export function adminModule(p: Pick<Platform, 'db' | 'guard' | 'settings'>): FastifyPluginAsyncZod {
  return async (app) => {
    const adminOnly = [p.guard.authenticate, p.guard.requireRole('admin')];
    const security = [{ bearerAuth: [] }];

    app.get(
      '/admin/settings',
      {
        preHandler: adminOnly,
        schema: { tags: ['admin'], operationId: 'getPlatformSettings', security, response: { 200: okEnvelope(platformSettingsSchema) } },
      },
      async () => ({ success: true as const, data: await p.settings.get() }),
    );

    app.put(
      '/admin/settings',
      {
        preHandler: adminOnly,
        schema: {
          tags: ['admin'],
          operationId: 'updatePlatformSettings',
          security,
          body: platformSettingsPatchSchema,
          response: { 200: okEnvelope(platformSettingsSchema) },
        },
      },
      async (request) => {
        const data = await p.db.transaction(async (tx) => {
          const updated = await p.settings.update(tx, request.body, request.actor.id);
          await audit(tx, {
            actorId: request.actor.id,
            action: 'admin.settings.update',
            targetType: 'platform_settings',
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? null,
            details: request.body,
          });
          return updated;
        });
        return { success: true as const, data };
      },
    );
  };
}
