import { and, eq, isNull } from 'drizzle-orm';
import { petInvitations, pets } from '@walkydoggy/shared/db';
import type { CreatePetInput, Pet, PetStatus, UpdatePetInput } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Executor } from '../../platform/db.js';
import { Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import * as q from './pets.queries.js';
import { birthDateFromAge, isoDay, toPetView } from './pets.view.js';

type Deps = Pick<Platform, 'db' | 'clock'>;

export function createPetViews(p: Deps) {
  /** Full views of pets the viewer may see (the caller found them with a scoped query). */
  async function views(exec: Executor, rows: q.PetRow[], viewerId: string): Promise<Pet[]> {
    const now = p.clock.now();
    const details = await q.loadPetDetails(
      exec,
      rows.map((r) => r.id),
      now,
    );
    return rows.map((row) => toPetView(row, details, viewerId, isoDay(now)));
  }
  async function view(exec: Executor, row: q.PetRow, viewerId: string): Promise<Pet> {
    return (await views(exec, [row], viewerId))[0]!;
  }
  /** A pet the viewer may see, or 404. */
  async function visible(exec: Executor, viewerId: string, petId: string, lock = false): Promise<q.PetRow> {
    const pet = await q.findVisiblePet(exec, viewerId, petId, lock);
    if (!pet) throw new NotFound('Pet');
    return pet;
  }
  return { views, view, visible };
}
export type PetViews = ReturnType<typeof createPetViews>;

type PetCursor = { createdAt: Date; id: string };
const encodeCursor = (row: q.PetRow) => Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
function decodeCursor(cursor: string): PetCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw ValidationFailed.field('querystring.cursor', 'This cursor is not valid; start from the first page.');
  }
}

/** Turns the request fields into column values; `ageYears` becomes an estimated birth date. */
function toColumns(input: UpdatePetInput, today: string): Partial<q.NewPetRow> {
  const { ageYears, weightKg, birthDate, birthDateEstimated, ...rest } = input;
  const columns: Partial<q.NewPetRow> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) (columns as Record<string, unknown>)[key] = value;
  if (weightKg !== undefined) columns.weightGrams = weightKg === null ? null : Math.round(weightKg * 1000);
  if (birthDate !== undefined) {
    if (birthDate !== null && birthDate > today) throw ValidationFailed.field('body.birthDate', 'The birth date cannot be in the future.');
    columns.birthDate = birthDate;
    columns.birthDateEstimated = birthDate !== null && Boolean(birthDateEstimated);
  } else if (birthDateEstimated !== undefined) {
    // The flag alone: the owner became (un)sure of the date already stored.
    columns.birthDateEstimated = birthDateEstimated;
  }
  if (ageYears !== undefined && ageYears !== null) {
    columns.birthDate = birthDateFromAge(ageYears, today);
    columns.birthDateEstimated = true;
  } else if (ageYears === null && birthDate === undefined) {
    columns.birthDate = null;
    columns.birthDateEstimated = false;
  }
  return columns;
}

export function createPetsService(p: Deps & { views: PetViews }) {
  const { views, view, visible } = p.views;

  async function list(actor: Actor, query: { status?: PetStatus; limit: number; cursor?: string }) {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await q.listVisiblePets(p.db, actor.id, { status: query.status, limit: query.limit + 1, after });
    const page = rows.slice(0, query.limit);
    return { data: await views(p.db, page, actor.id), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
  }

  async function get(actor: Actor, petId: string) {
    return view(p.db, await visible(p.db, actor.id, petId), actor.id);
  }

  async function create(actor: Actor, input: CreatePetInput, meta: RequestMeta) {
    const now = p.clock.now();
    const columns = toColumns(input, isoDay(now));
    return p.db.transaction(async (tx) => {
      const pet = await q.insertPet(tx, { ...columns, name: input.name, species: input.species, ownerId: actor.id, createdAt: now, updatedAt: now });
      await audit(tx, { actorId: actor.id, action: 'pet.create', targetType: 'pet', targetId: pet.id, ...meta });
      return view(tx, pet, actor.id);
    });
  }

  /** Owners and co-owners edit the profile. */
  async function update(actor: Actor, petId: string, input: UpdatePetInput, meta: RequestMeta) {
    const now = p.clock.now();
    const columns = toColumns(input, isoDay(now));
    return p.db.transaction(async (tx) => {
      await visible(tx, actor.id, petId, true);
      const pet = await q.updatePet(tx, petId, { ...columns, updatedAt: now });
      await audit(tx, { actorId: actor.id, action: 'pet.update', targetType: 'pet', targetId: petId, ...meta, details: { fields: Object.keys(input) } });
      return view(tx, pet, actor.id);
    });
  }

  /** Only the primary owner deletes; the row stays (later bookings refer to it) but nobody sees it. */
  async function remove(actor: Actor, petId: string, meta: RequestMeta) {
    const now = p.clock.now();
    await p.db.transaction(async (tx) => {
      const pet = await visible(tx, actor.id, petId, true);
      if (pet.ownerId !== actor.id) throw new Forbidden('Only the primary owner can delete this pet.');
      await tx.update(pets).set({ deletedAt: now, updatedAt: now }).where(eq(pets.id, petId));
      await tx
        .update(petInvitations)
        .set({ revokedAt: now })
        .where(and(eq(petInvitations.petId, petId), isNull(petInvitations.acceptedAt), isNull(petInvitations.revokedAt)));
      await audit(tx, { actorId: actor.id, action: 'pet.delete', targetType: 'pet', targetId: petId, ...meta });
    });
  }

  return { list, get, create, update, remove };
}
