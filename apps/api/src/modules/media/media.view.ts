import { and, eq, inArray, isNull } from 'drizzle-orm';
import { media } from '@walkydoggy/shared/db';
import type { Media } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';

type MediaRow = typeof media.$inferSelect;
export type MediaPurpose = MediaRow['purpose'];

/** The contract's `Media` object; the bytes are served at these URLs. */
export function toMediaView(row: MediaRow): Media {
  return {
    id: row.id,
    purpose: row.purpose,
    kind: row.kind,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    width: row.width,
    height: row.height,
    url: `/v1/media/${row.id}/file`,
    thumbnailUrl: row.thumbnailKey ? `/v1/media/${row.id}/thumbnail` : null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Media views by id, for the ids given (deleted media are left out). */
export async function mediaViews(exec: Executor, ids: (string | null | undefined)[]): Promise<Map<string, Media>> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (!wanted.length) return new Map();
  const rows = await exec
    .select()
    .from(media)
    .where(and(inArray(media.id, wanted), isNull(media.deletedAt)));
  return new Map(rows.map((r) => [r.id, toMediaView(r)]));
}

/**
 * Refuses a media id that is not an upload of the caller for that purpose: one cannot attach
 * someone else's file (or a pet photo as an insurance certificate).
 */
export async function assertOwnMedia(exec: Executor, uploaderId: string, mediaId: string, purpose: MediaPurpose, path: string): Promise<void> {
  const [row] = await exec
    .select({ id: media.id })
    .from(media)
    .where(and(eq(media.id, mediaId), eq(media.ownerId, uploaderId), eq(media.purpose, purpose), isNull(media.deletedAt)));
  if (!row)
    throw ValidationFailed.field(path, `Upload the file first with purpose ${purpose}; this media id is not one of your ${purpose} uploads.`, 'invalid_media');
}
