import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  businessIdParamsSchema,
  favouriteBusinessSchema,
  MAX_FAVOURITE_BUSINESSES,
  messageEnvelope,
  okEnvelope,
  type FavouriteBusiness,
} from '@walkydoggy/shared';
import { businesses, favouriteBusinesses } from '@walkydoggy/shared/db';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import { visibleBusiness } from '../businesses/business-access.js';

/*
 * A pet owner's favourite businesses: a toggle on the business page, a list on the owner's home. PUT
 * and DELETE are idempotent; only businesses the owner can see can be added; at most
 * MAX_FAVOURITE_BUSINESSES each. A business that stops being public drops out of the list.
 */

async function list(p: Pick<Platform, 'db'>, actor: Actor): Promise<FavouriteBusiness[]> {
  const rows = await p.db
    .select({
      id: businesses.id,
      name: businesses.name,
      city: sql<string | null>`${businesses.address}->>'city'`,
      logoMediaId: businesses.logoMediaId,
      rating: businesses.ratingAvg,
      reviewCount: businesses.reviewCount,
      favouritedAt: favouriteBusinesses.createdAt,
    })
    .from(favouriteBusinesses)
    .innerJoin(businesses, eq(businesses.id, favouriteBusinesses.businessId))
    .where(
      and(
        eq(favouriteBusinesses.userId, actor.id),
        eq(businesses.verificationStatus, 'verified'),
        eq(businesses.active, true),
        sql`${businesses.deletedAt} is null`,
      ),
    )
    .orderBy(desc(favouriteBusinesses.createdAt), businesses.id)
    .limit(MAX_FAVOURITE_BUSINESSES);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    city: r.city,
    logoUrl: r.logoMediaId ? `/v1/media/${r.logoMediaId}/file` : null,
    rating: r.rating,
    reviewCount: r.reviewCount,
    favouritedAt: r.favouritedAt.toISOString(),
  }));
}

export function favouritesRoutes(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['users'];
    const security = [{ bearerAuth: [] }];
    const owner = { preHandler: [p.guard.authenticate, p.guard.requireRole('pet_owner')] };

    app.get(
      '/users/me/favourites',
      { ...owner, schema: { tags, operationId: 'listFavourites', security, response: { 200: okEnvelope(z.array(favouriteBusinessSchema)) } } },
      async (request) => ({ success: true as const, data: await list(p, request.actor) }),
    );

    app.put(
      '/users/me/favourites/:businessId',
      {
        ...owner,
        schema: {
          tags,
          operationId: 'addFavourite',
          summary: 'Adds a business the caller can see (idempotent)',
          security,
          params: businessIdParamsSchema,
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        const { businessId } = request.params;
        await visibleBusiness(p.db, businessId, request.actor);
        await p.db.transaction(async (tx) => {
          // The count is taken under a lock on the caller's row so two adds at once cannot pass the cap together.
          await tx.execute(sql`select 1 from users where id = ${request.actor.id} for update`);
          const [{ n } = { n: 0 }] = await tx
            .select({ n: sql<number>`count(*)::int` })
            .from(favouriteBusinesses)
            .where(eq(favouriteBusinesses.userId, request.actor.id));
          const inserted = await tx
            .insert(favouriteBusinesses)
            .select(
              sql`select ${request.actor.id}::uuid, ${businessId}::uuid, now() where ${n} < ${MAX_FAVOURITE_BUSINESSES}
                or exists (select 1 from favourite_businesses where user_id = ${request.actor.id} and business_id = ${businessId})`,
            )
            .onConflictDoNothing()
            .returning({ id: favouriteBusinesses.businessId });
          const already = inserted.length === 0 && n >= MAX_FAVOURITE_BUSINESSES;
          if (already) {
            const [exists] = await tx
              .select({ id: favouriteBusinesses.businessId })
              .from(favouriteBusinesses)
              .where(and(eq(favouriteBusinesses.userId, request.actor.id), eq(favouriteBusinesses.businessId, businessId)));
            if (!exists) throw new Conflict(`You can keep at most ${MAX_FAVOURITE_BUSINESSES} favourite businesses: remove one first.`);
          }
        });
        return { success: true as const, message: 'Added to your favourites.' };
      },
    );

    app.delete(
      '/users/me/favourites/:businessId',
      {
        ...owner,
        schema: {
          tags,
          operationId: 'removeFavourite',
          summary: 'Removes a favourite (idempotent)',
          security,
          params: businessIdParamsSchema,
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        const removed = await p.db
          .delete(favouriteBusinesses)
          .where(and(eq(favouriteBusinesses.userId, request.actor.id), eq(favouriteBusinesses.businessId, request.params.businessId)))
          .returning({ id: favouriteBusinesses.businessId });
        // Idempotent for a business that exists; an id that names no business at all is a 404.
        if (!removed.length) {
          const [known] = await p.db.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, request.params.businessId));
          if (!known) throw new NotFound('Business');
        }
        return { success: true as const, message: 'Removed from your favourites.' };
      },
    );
  };
}
