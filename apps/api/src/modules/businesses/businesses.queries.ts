import { and, asc, desc, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { businessDocuments, businesses, businessPhotos } from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';
import type { Actor } from '../../platform/auth-guard.js';
import { cursorKey, olderThanCursor } from './pagination.js';

type BusinessTable = typeof businesses.$inferSelect;
export type BusinessInsert = Omit<typeof businesses.$inferInsert, 'location' | 'serviceArea'> & { location: SQL; serviceArea?: SQL | null };
export type BusinessPatch = Partial<Omit<BusinessInsert, 'ownerId'>>;

/** A business row with its geography read back as numbers and GeoJSON. */
export type BusinessRow = Omit<BusinessTable, 'location' | 'serviceArea'> & { lat: number; lng: number; serviceAreaJson: string | null; cursorKey: string };

const { location: _location, serviceArea: _serviceArea, ...plainColumns } = getTableColumns(businesses);

const businessColumns = {
  ...plainColumns,
  lat: sql<number>`ST_Y(${businesses.location}::geometry)`.mapWith(Number),
  lng: sql<number>`ST_X(${businesses.location}::geometry)`.mapWith(Number),
  // A single polygon is given back as the Polygon it was sent as, not as a MultiPolygon of one.
  serviceAreaJson: sql<string | null>`case
    when ${businesses.serviceArea} is null then null
    when ST_NumGeometries(${businesses.serviceArea}::geometry) = 1 then ST_AsGeoJSON(ST_GeometryN(${businesses.serviceArea}::geometry, 1))
    else ST_AsGeoJSON(${businesses.serviceArea}::geometry) end`,
  cursorKey: cursorKey(businesses.createdAt, businesses.id),
};

/** Verified, active and not deleted: what anyone may see. */
export const isPublicBusiness = sql`(${businesses.verificationStatus} = 'verified' and ${businesses.active} and ${businesses.deletedAt} is null)`;

/**
 * The businesses a viewer may see: public ones, and their own and (for admins) every one that is
 * not deleted. Used in every read, so a hidden business is simply not found.
 */
export function visibleTo(viewer: Actor | null): SQL {
  const notDeleted = isNull(businesses.deletedAt);
  if (viewer?.role === 'admin') return notDeleted;
  if (viewer) return or(isPublicBusiness, and(notDeleted, eq(businesses.ownerId, viewer.id)))!;
  return isPublicBusiness;
}

export async function findVisibleBusiness(exec: Executor, id: string, viewer: Actor | null): Promise<BusinessRow | undefined> {
  const [row] = await exec
    .select(businessColumns)
    .from(businesses)
    .where(and(eq(businesses.id, id), visibleTo(viewer)));
  return row;
}

/** Locks the business row (for changes that must not interleave, like two removals). */
export async function lockBusiness(exec: Executor, id: string) {
  await exec.execute(sql`select 1 from businesses where id = ${id} for update`);
}

export async function listBusinesses(
  exec: Executor,
  opts: { ownerId?: string; verificationStatus?: BusinessTable['verificationStatus']; cursor?: string; limit: number },
): Promise<BusinessRow[]> {
  return exec
    .select(businessColumns)
    .from(businesses)
    .where(
      and(
        isNull(businesses.deletedAt),
        opts.ownerId ? eq(businesses.ownerId, opts.ownerId) : undefined,
        opts.verificationStatus ? eq(businesses.verificationStatus, opts.verificationStatus) : undefined,
        olderThanCursor(businesses.createdAt, businesses.id, opts.cursor),
      ),
    )
    .orderBy(desc(businesses.createdAt), desc(businesses.id))
    .limit(opts.limit + 1);
}

export async function insertBusiness(exec: Executor, values: BusinessInsert): Promise<string> {
  const [row] = await exec
    .insert(businesses)
    .values(values as unknown as typeof businesses.$inferInsert)
    .returning({ id: businesses.id });
  return row!.id;
}

export async function updateBusiness(exec: Executor, id: string, patch: BusinessPatch) {
  await exec
    .update(businesses)
    .set(patch as Partial<typeof businesses.$inferInsert>)
    .where(and(eq(businesses.id, id), isNull(businesses.deletedAt)));
}

export function documentsOf(exec: Executor, businessId: string) {
  return exec
    .select()
    .from(businessDocuments)
    .where(eq(businessDocuments.businessId, businessId))
    .orderBy(asc(businessDocuments.createdAt), asc(businessDocuments.id));
}

export async function insertDocument(exec: Executor, values: typeof businessDocuments.$inferInsert) {
  const [row] = await exec.insert(businessDocuments).values(values).returning();
  return row!;
}

export async function deleteDocument(exec: Executor, businessId: string, documentId: string): Promise<boolean> {
  const rows = await exec
    .delete(businessDocuments)
    .where(and(eq(businessDocuments.id, documentId), eq(businessDocuments.businessId, businessId)))
    .returning({ id: businessDocuments.id });
  return rows.length > 0;
}

export function photosOf(exec: Executor, businessIds: string[]) {
  if (!businessIds.length) return Promise.resolve([]);
  return exec
    .select()
    .from(businessPhotos)
    .where(inArray(businessPhotos.businessId, businessIds))
    .orderBy(asc(businessPhotos.createdAt), asc(businessPhotos.id));
}

export async function insertPhoto(exec: Executor, businessId: string, mediaId: string) {
  await exec.insert(businessPhotos).values({ businessId, mediaId });
}

/** A photo is named by its own id or by its media id (the `Media.id` the business shows). */
export async function deletePhoto(exec: Executor, businessId: string, photoId: string): Promise<boolean> {
  const rows = await exec
    .delete(businessPhotos)
    .where(and(eq(businessPhotos.businessId, businessId), or(eq(businessPhotos.id, photoId), eq(businessPhotos.mediaId, photoId))))
    .returning({ id: businessPhotos.id });
  return rows.length > 0;
}
