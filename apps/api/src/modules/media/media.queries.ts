import { and, eq, inArray, isNull } from 'drizzle-orm';
import { media, petPhotos, petVaccinations } from '@walkydoggy/shared/db';
import type { MediaPurpose } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';

export type MediaRow = typeof media.$inferSelect;
export type NewMediaRow = typeof media.$inferInsert;

export async function insertMedia(exec: Executor, row: NewMediaRow): Promise<MediaRow> {
  const [inserted] = await exec.insert(media).values(row).returning();
  return inserted!;
}

/** A media item that was not deleted, whoever uploaded it: callers decide access with `canViewMedia`. */
export async function findLiveMedia(exec: Executor, id: string): Promise<MediaRow | undefined> {
  const [row] = await exec
    .select()
    .from(media)
    .where(and(eq(media.id, id), isNull(media.deletedAt)));
  return row;
}

/** The caller's own upload of that purpose, for attaching it to something they edit. */
export async function findOwnMedia(exec: Executor, uploaderId: string, id: string, purpose: MediaPurpose): Promise<MediaRow | undefined> {
  const [row] = await exec
    .select()
    .from(media)
    .where(and(eq(media.id, id), eq(media.ownerId, uploaderId), eq(media.purpose, purpose), isNull(media.deletedAt)));
  return row;
}

export async function mediaByIds(exec: Executor, ids: string[]): Promise<MediaRow[]> {
  if (!ids.length) return [];
  return exec
    .select()
    .from(media)
    .where(and(inArray(media.id, ids), isNull(media.deletedAt)));
}

/** Marks deleted and returns the row (with its storage keys) when it was live. */
export async function softDeleteMedia(exec: Executor, id: string, now: Date): Promise<MediaRow | undefined> {
  const [row] = await exec
    .update(media)
    .set({ deletedAt: now })
    .where(and(eq(media.id, id), isNull(media.deletedAt)))
    .returning();
  return row;
}

/** Removes the pet references to a deleted media item (business modules clean up their own). */
export async function detachFromPets(exec: Executor, mediaId: string): Promise<void> {
  await exec.delete(petPhotos).where(eq(petPhotos.mediaId, mediaId));
  await exec.update(petVaccinations).set({ documentMediaId: null }).where(eq(petVaccinations.documentMediaId, mediaId));
}
