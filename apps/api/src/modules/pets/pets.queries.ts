import { and, asc, desc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { media, petCoOwners, petInvitations, petPhotos, petVaccinations, pets, users } from '@walkydoggy/shared/db';
import type { PetStatus } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';

export type PetRow = typeof pets.$inferSelect;
export type NewPetRow = typeof pets.$inferInsert;
export type MediaRow = typeof media.$inferSelect;

/**
 * The pets `userId` may see: their own (primary owner) and those shared with them, never deleted
 * ones. Every pet read goes through this, so someone else's pet id simply finds nothing.
 */
export function visibleTo(exec: Executor, userId: string): SQL {
  const coOwned = exec.select({ petId: petCoOwners.petId }).from(petCoOwners).where(eq(petCoOwners.userId, userId));
  return and(isNull(pets.deletedAt), or(eq(pets.ownerId, userId), inArray(pets.id, coOwned)))!;
}

/** A pet the user may see; with `lock`, the row is locked for the rest of the transaction. */
export async function findVisiblePet(exec: Executor, userId: string, petId: string, lock = false): Promise<PetRow | undefined> {
  const query = exec
    .select()
    .from(pets)
    .where(and(eq(pets.id, petId), visibleTo(exec, userId)));
  const [row] = lock ? await query.for('update', { of: pets }) : await query;
  return row;
}

export async function listVisiblePets(
  exec: Executor,
  userId: string,
  opts: { status?: PetStatus; limit: number; after?: { createdAt: Date; id: string } },
): Promise<PetRow[]> {
  return exec
    .select()
    .from(pets)
    .where(
      and(
        visibleTo(exec, userId),
        opts.status ? eq(pets.status, opts.status) : undefined,
        opts.after ? sql`(${pets.createdAt}, ${pets.id}) < (${opts.after.createdAt.toISOString()}::timestamptz, ${opts.after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(pets.createdAt), desc(pets.id))
    .limit(opts.limit);
}

export async function insertPet(exec: Executor, row: NewPetRow): Promise<PetRow> {
  const [inserted] = await exec.insert(pets).values(row).returning();
  return inserted!;
}

export async function updatePet(exec: Executor, petId: string, patch: Partial<NewPetRow>): Promise<PetRow> {
  const [row] = await exec.update(pets).set(patch).where(eq(pets.id, petId)).returning();
  return row!;
}

/** Photos, vaccinations, co-owners and open invitations of several pets, in four queries. */
export async function loadPetDetails(exec: Executor, petIds: string[], now: Date) {
  if (!petIds.length) return { photos: [], vaccinations: [], coOwners: [], invitations: [] };
  // One after the other: inside a transaction there is one connection to share.
  const photos = await exec
    .select({ id: petPhotos.id, petId: petPhotos.petId, media })
    .from(petPhotos)
    .innerJoin(media, and(eq(media.id, petPhotos.mediaId), isNull(media.deletedAt)))
    .where(inArray(petPhotos.petId, petIds))
    .orderBy(asc(petPhotos.createdAt), asc(petPhotos.id));
  const vaccinations = await exec
    .select({ vaccination: petVaccinations, document: media })
    .from(petVaccinations)
    .leftJoin(media, and(eq(media.id, petVaccinations.documentMediaId), isNull(media.deletedAt)))
    .where(inArray(petVaccinations.petId, petIds))
    .orderBy(desc(petVaccinations.administeredOn), asc(petVaccinations.id));
  const coOwners = await exec
    .select({ petId: petCoOwners.petId, userId: users.id, firstName: users.firstName, lastName: users.lastName, email: users.email })
    .from(petCoOwners)
    .innerJoin(users, and(eq(users.id, petCoOwners.userId), eq(users.status, 'active')))
    .where(inArray(petCoOwners.petId, petIds))
    .orderBy(asc(petCoOwners.createdAt));
  const invitations = await exec
    .select({ id: petInvitations.id, petId: petInvitations.petId, email: petInvitations.email, expiresAt: petInvitations.expiresAt })
    .from(petInvitations)
    .where(and(inArray(petInvitations.petId, petIds), isNull(petInvitations.acceptedAt), isNull(petInvitations.revokedAt), gt(petInvitations.expiresAt, now)))
    .orderBy(asc(petInvitations.createdAt));
  return { photos, vaccinations, coOwners, invitations };
}
export type PetDetails = Awaited<ReturnType<typeof loadPetDetails>>;
