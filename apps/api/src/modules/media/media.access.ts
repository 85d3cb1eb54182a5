import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { businessDocuments, businessPhotos, businesses, petCoOwners, petPhotos, petVaccinations, pets, workers } from '@walkydoggy/shared/db';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import type { MediaRow } from './media.queries.js';

type Viewer = Pick<Actor, 'id' | 'role'> | null;

/**
 * Who may load a media item's bytes. Access follows what refers to the item: a pet's photos and
 * vaccination documents are for the pet's owners (and later the businesses caring for the pet),
 * business and worker images are public, business documents are for the business owner. An item
 * nothing refers to yet is its uploader's alone. Admins see everything.
 */
export async function canViewMedia(exec: Executor, viewer: Viewer, row: MediaRow): Promise<boolean> {
  if (row.deletedAt) return false;
  if (viewer?.role === 'admin') return true;
  const isUploader = viewer !== null && viewer.id === row.ownerId;
  switch (row.purpose) {
    case 'pet_photo':
    case 'vaccination_document': {
      const petIds = await petsReferring(exec, row);
      if (!petIds.length) return isUploader;
      if (!viewer) return false;
      return (await ownsAnyPet(exec, viewer.id, petIds)) || (await businessHasBookingForPet(exec, viewer, petIds));
    }
    case 'business_logo':
    case 'business_cover':
    case 'business_photo':
    case 'worker_photo':
      return isUploader || (await usedByProfile(exec, row));
    case 'business_document': {
      const [doc] = await exec
        .select({ ownerId: businesses.ownerId })
        .from(businessDocuments)
        .innerJoin(businesses, eq(businesses.id, businessDocuments.businessId))
        .where(eq(businessDocuments.mediaId, row.id))
        .limit(1);
      if (!doc) return isUploader;
      return viewer !== null && doc.ownerId === viewer.id;
    }
    case 'avatar':
      return isUploader;
  }
}

/** True when the media item is public: then responses may be cached by shared caches. */
export async function isPublicMedia(exec: Executor, row: MediaRow): Promise<boolean> {
  return ['business_logo', 'business_cover', 'business_photo', 'worker_photo'].includes(row.purpose) && (await usedByProfile(exec, row));
}

/**
 * HOOK for issue 4 (bookings): a business account (or its workers) with a booking for one of these
 * pets may see the pet's photos and vaccination documents. There are no bookings yet, so nobody does.
 */
export async function businessHasBookingForPet(_exec: Executor, _viewer: Pick<Actor, 'id' | 'role'>, _petIds: string[]): Promise<boolean> {
  return false;
}

async function petsReferring(exec: Executor, row: MediaRow): Promise<string[]> {
  const rows =
    row.purpose === 'pet_photo'
      ? await exec.select({ petId: petPhotos.petId }).from(petPhotos).where(eq(petPhotos.mediaId, row.id))
      : await exec.select({ petId: petVaccinations.petId }).from(petVaccinations).where(eq(petVaccinations.documentMediaId, row.id));
  return rows.map((r) => r.petId);
}

async function ownsAnyPet(exec: Executor, userId: string, petIds: string[]): Promise<boolean> {
  const coOwned = exec.select({ petId: petCoOwners.petId }).from(petCoOwners).where(eq(petCoOwners.userId, userId));
  const [hit] = await exec
    .select({ id: pets.id })
    .from(pets)
    .where(and(inArray(pets.id, petIds), isNull(pets.deletedAt), or(eq(pets.ownerId, userId), inArray(pets.id, coOwned))))
    .limit(1);
  return Boolean(hit);
}

async function usedByProfile(exec: Executor, row: MediaRow): Promise<boolean> {
  const id = row.id;
  const [hit] =
    row.purpose === 'business_photo'
      ? await exec.select({ id: businessPhotos.id }).from(businessPhotos).where(eq(businessPhotos.mediaId, id)).limit(1)
      : row.purpose === 'worker_photo'
        ? await exec.select({ id: workers.id }).from(workers).where(eq(workers.photoMediaId, id)).limit(1)
        : await exec
            .select({ id: businesses.id })
            .from(businesses)
            .where(or(eq(businesses.logoMediaId, id), eq(businesses.coverMediaId, id)))
            .limit(1);
  return Boolean(hit);
}
