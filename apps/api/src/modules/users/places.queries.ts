import { and, asc, eq, sql } from 'drizzle-orm';
import { userPlaces, type PlaceAddress } from '@walkydoggy/shared/db';
import type { Place, PlaceKind } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';

/** Every read and write is scoped to the owner: someone else's place id finds nothing. */
const columns = {
  id: userPlaces.id,
  kind: userPlaces.kind,
  label: userPlaces.label,
  address: userPlaces.address,
  lat: sql<number>`ST_Y(${userPlaces.location}::geometry)`.mapWith(Number),
  lng: sql<number>`ST_X(${userPlaces.location}::geometry)`.mapWith(Number),
  createdAt: userPlaces.createdAt,
  updatedAt: userPlaces.updatedAt,
};
type PlaceRow = { id: string; kind: PlaceKind; label: string; address: PlaceAddress; lat: number; lng: number; createdAt: Date; updatedAt: Date };

export const pointOf = (p: { lat: number; lng: number }) => sql`ST_SetSRID(ST_MakePoint(${p.lng}::float8, ${p.lat}::float8), 4326)::geography`;

export function toPlaceView(row: PlaceRow): Place {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    address: { street: row.address.street, city: row.address.city, postalCode: row.address.postalCode ?? null, country: row.address.country ?? null },
    location: { lat: row.lat, lng: row.lng },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Home first, then work, then the others in the order they were saved. */
export async function listPlaces(exec: Executor, userId: string): Promise<PlaceRow[]> {
  return exec
    .select(columns)
    .from(userPlaces)
    .where(eq(userPlaces.userId, userId))
    .orderBy(sql`case ${userPlaces.kind} when 'home' then 0 when 'work' then 1 else 2 end`, asc(userPlaces.createdAt), asc(userPlaces.id));
}

export async function findPlace(exec: Executor, userId: string, id: string): Promise<PlaceRow | undefined> {
  const [row] = await exec
    .select(columns)
    .from(userPlaces)
    .where(and(eq(userPlaces.id, id), eq(userPlaces.userId, userId)));
  return row;
}

export async function insertPlace(
  exec: Executor,
  row: { userId: string; kind: PlaceKind; label: string; address: PlaceAddress; location: { lat: number; lng: number } },
): Promise<string> {
  const [inserted] = await exec
    .insert(userPlaces)
    .values({ userId: row.userId, kind: row.kind, label: row.label, address: row.address, location: pointOf(row.location) })
    .returning({ id: userPlaces.id });
  return inserted!.id;
}

export async function updatePlace(
  exec: Executor,
  userId: string,
  id: string,
  patch: { kind?: PlaceKind; label?: string; address?: PlaceAddress; location?: { lat: number; lng: number } },
  now: Date,
): Promise<boolean> {
  const { location, ...rest } = patch;
  const rows = await exec
    .update(userPlaces)
    .set({ ...rest, ...(location ? { location: pointOf(location) } : {}), updatedAt: now })
    .where(and(eq(userPlaces.id, id), eq(userPlaces.userId, userId)))
    .returning({ id: userPlaces.id });
  return rows.length > 0;
}

export async function deletePlace(exec: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await exec
    .delete(userPlaces)
    .where(and(eq(userPlaces.id, id), eq(userPlaces.userId, userId)))
    .returning({ id: userPlaces.id });
  return rows.length > 0;
}
