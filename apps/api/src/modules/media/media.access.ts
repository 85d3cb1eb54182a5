import { and, eq, inArray, isNull, notExists, or, sql } from 'drizzle-orm';
import {
  bookingPets,
  bookingPhotos,
  bookings,
  businessDocuments,
  businessPhotos,
  businesses,
  media,
  petCoOwners,
  petPhotos,
  petVaccinations,
  pets,
  users,
  walkEvents,
  workers,
} from '@walkydoggy/shared/db';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import type { MediaRow } from './media.queries.js';

type Viewer = Pick<Actor, 'id' | 'role'> | null;

/**
 * Who may load a media item's bytes. Access follows what refers to the item: a pet's photos and
 * vaccination documents are for the pet's owners and the businesses caring for the pet, business
 * and worker images are public, business documents are for the business owner, a booking's
 * completion photos are for the people of that booking. An item nothing refers to yet is its
 * uploader's alone. Admins see everything.
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
      // A person's picture is shown wherever the person is (team lists, bookings), so it is public while in use.
      return isUploader || (await usedByProfile(exec, row));
    case 'booking_photo': {
      // A completion photo or a photo taken during the walk (a walk event): the booking's people see it.
      const used = await exec
        .select({ id: bookingPhotos.bookingId })
        .from(bookingPhotos)
        .where(eq(bookingPhotos.mediaId, row.id))
        .union(exec.select({ id: walkEvents.bookingId }).from(walkEvents).where(eq(walkEvents.mediaId, row.id)));
      const bookingIds = used.map((r) => r.id);
      if (!bookingIds.length) return isUploader;
      return viewer !== null && (await takesPartInBooking(exec, viewer.id, bookingIds));
    }
  }
}

/** True when the media item is public: then responses may be cached by shared caches. */
export async function isPublicMedia(exec: Executor, row: MediaRow): Promise<boolean> {
  return ['business_logo', 'business_cover', 'business_photo', 'worker_photo', 'avatar'].includes(row.purpose) && (await usedByProfile(exec, row));
}

/** Bookings that let a business see a pet's records: it is caring, will care or has cared for the pet. */
const CARE_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed'] as const;

/**
 * A business with an active or completed booking for one of these pets may see the pets' photos and
 * vaccination documents: its owner, and the workers assigned to such a booking (not the rest of the
 * team). Declined, expired and cancelled bookings give nothing.
 */
export async function businessHasBookingForPet(exec: Executor, viewer: Pick<Actor, 'id' | 'role'>, petIds: string[]): Promise<boolean> {
  if (!petIds.length || (viewer.role !== 'business' && viewer.role !== 'worker')) return false;
  const [hit] = await exec
    .select({ id: bookings.id })
    .from(bookingPets)
    .innerJoin(bookings, eq(bookings.id, bookingPets.bookingId))
    .innerJoin(businesses, eq(businesses.id, bookings.businessId))
    .leftJoin(workers, eq(workers.id, bookings.workerId))
    .where(
      and(
        inArray(bookingPets.petId, petIds),
        inArray(bookings.status, [...CARE_STATUSES]),
        or(eq(businesses.ownerId, viewer.id), and(eq(workers.userId, viewer.id), eq(workers.status, 'active'))),
      ),
    )
    .limit(1);
  return Boolean(hit);
}

/**
 * The people of a booking: who made it, the (co-)owners of its pets, the business owner and the
 * assigned worker.
 */
async function takesPartInBooking(exec: Executor, userId: string, bookingIds: string[]): Promise<boolean> {
  const [hit] = await exec
    .select({ id: bookings.id })
    .from(bookings)
    .innerJoin(businesses, eq(businesses.id, bookings.businessId))
    .leftJoin(workers, eq(workers.id, bookings.workerId))
    .where(
      and(
        inArray(bookings.id, bookingIds),
        or(
          eq(bookings.ownerId, userId),
          eq(businesses.ownerId, userId),
          and(eq(workers.userId, userId), eq(workers.status, 'active')),
          sql`exists (select 1 from ${bookingPets} bp join ${pets} p on p.id = bp.pet_id
            where bp.booking_id = ${bookings.id} and p.deleted_at is null
              and (p.owner_id = ${userId} or exists (select 1 from ${petCoOwners} co where co.pet_id = p.id and co.user_id = ${userId})))`,
        ),
      ),
    )
    .limit(1);
  return Boolean(hit);
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
        : row.purpose === 'avatar'
          ? await exec
              .select({ id: users.id })
              .from(users)
              .where(and(eq(users.avatarMediaId, id), eq(users.status, 'active')))
              .limit(1)
          : await exec
              .select({ id: businesses.id })
              .from(businesses)
              .where(or(eq(businesses.logoMediaId, id), eq(businesses.coverMediaId, id)))
              .limit(1);
  return Boolean(hit);
}

/**
 * Of `mediaIds`, the ones that can still be attached to a booking by `uploaderId`: their own
 * `booking_photo` uploads, not deleted, not yet a completion photo nor a walk event's photo (a photo
 * is used once, so a walk report never shows it twice).
 */
export async function unusedBookingPhotos(exec: Executor, uploaderId: string, mediaIds: string[]): Promise<Set<string>> {
  if (!mediaIds.length) return new Set();
  const rows = await exec
    .select({ id: media.id })
    .from(media)
    .where(
      and(
        inArray(media.id, mediaIds),
        eq(media.ownerId, uploaderId),
        eq(media.purpose, 'booking_photo'),
        isNull(media.deletedAt),
        notExists(exec.select({ id: bookingPhotos.mediaId }).from(bookingPhotos).where(eq(bookingPhotos.mediaId, media.id))),
        notExists(exec.select({ id: walkEvents.id }).from(walkEvents).where(eq(walkEvents.mediaId, media.id))),
      ),
    );
  return new Set(rows.map((r) => r.id));
}
