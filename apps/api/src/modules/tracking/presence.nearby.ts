import { and, eq, exists, inArray, isNotNull, isNull, not, sql } from 'drizzle-orm';
import { bookings, businesses, services, users, workerPresence, workers } from '@walkydoggy/shared/db';
import { APPROXIMATE_POSITION_METERS, haversineMeters, type NearbyWorker, type NearbyWorkersQuery } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { LiveIndex, LngLat } from '../../platform/live-index.js';

/*
 * `GET /v1/locations/workers`: online workers near a point, from the live index, kept when they
 * are bookable (active worker of a verified business, offering the service type if asked, not on a
 * walk right now). Only the worker's own business (and admins) see where exactly they are and who
 * they are: everybody else gets a ~200 m grid cell and no name, so a worker cannot be followed.
 */

/**
 * Candidates read from the index before the business filters: enough that a page of bookable
 * workers survives them, bounded so a dense city does not read every online worker.
 */
const NEARBY_CANDIDATES = 1_000;

/** Degrees of latitude in a grid cell (~0.0018°). */
const LAT_STEP = APPROXIMATE_POSITION_METERS / 111_320;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The centre of the ~200 m grid cell of a position: cells are square on the ground, so their width in longitude grows with latitude. */
export function snapToGrid({ lng, lat }: LngLat): LngLat {
  const snappedLat = Math.max(-90, Math.min(90, Math.round(lat / LAT_STEP) * LAT_STEP));
  const lngStep = LAT_STEP / Math.max(Math.cos((snappedLat * Math.PI) / 180), 0.01);
  const snappedLng = Math.max(-180, Math.min(180, Math.round(lng / lngStep) * lngStep));
  return { lng: round6(snappedLng), lat: round6(snappedLat) };
}

export async function nearbyWorkers(d: Pick<Platform, 'db' | 'clock'> & { index: LiveIndex }, caller: Actor, q: NearbyWorkersQuery): Promise<NearbyWorker[]> {
  const center = { lng: q.lng, lat: q.lat };
  const candidates = await d.index.near(center, q.radius, NEARBY_CANDIDATES, d.clock.now());
  if (!candidates.length) return [];
  const filters = [
    inArray(
      workers.id,
      candidates.map((c) => c.workerId),
    ),
    eq(workers.status, 'active'),
    eq(businesses.verificationStatus, 'verified'),
    eq(businesses.active, true),
    isNull(businesses.deletedAt),
    // The index may lag the state by a moment (Redis); the presence row is the truth.
    isNotNull(workerPresence.onlineAt),
  ];
  const onWalk = exists(
    d.db
      .select({ one: sql`1` })
      .from(bookings)
      .where(and(eq(bookings.workerId, workers.id), eq(bookings.status, 'in_progress'))),
  );
  // The managers' map: their own team, walking or not. Everybody else: who is free to book.
  if (q.team) filters.push(eq(businesses.ownerId, caller.id));
  else filters.push(not(onWalk));
  if (q.serviceType)
    filters.push(
      exists(
        d.db
          .select({ one: sql`1` })
          .from(services)
          .where(and(eq(services.businessId, businesses.id), eq(services.type, q.serviceType), eq(services.active, true), isNull(services.deletedAt))),
      ),
    );
  const rows = await d.db
    .select({
      workerId: workers.id,
      businessId: businesses.id,
      businessName: businesses.name,
      ownerId: businesses.ownerId,
      firstName: users.firstName,
      lastName: users.lastName,
      onWalk: sql<boolean>`${onWalk}`,
    })
    .from(workers)
    .innerJoin(businesses, eq(businesses.id, workers.businessId))
    .innerJoin(users, eq(users.id, workers.userId))
    .innerJoin(workerPresence, eq(workerPresence.workerId, workers.id))
    .where(and(...filters));
  const bookable = new Map(rows.map((r) => [r.workerId, r]));

  const answer = candidates.flatMap((c): NearbyWorker[] => {
    const row = bookable.get(c.workerId);
    if (!row) return [];
    const base = { businessId: row.businessId, businessName: row.businessName, seenAt: c.seenAt.toISOString(), onWalk: Boolean(q.team && row.onWalk) };
    if (caller.role === 'admin' || row.ownerId === caller.id)
      return [
        {
          ...base,
          lng: c.lng,
          lat: c.lat,
          approximate: false,
          distanceMeters: Math.round(c.distanceMeters),
          worker: { id: row.workerId, firstName: row.firstName, lastName: row.lastName },
        },
      ];
    const cell = snapToGrid(c);
    // From the cell, and coarse: an exact distance from a few vantage points would give the position away.
    const distanceMeters = Math.round(haversineMeters(center, cell) / 100) * 100;
    return [{ ...base, ...cell, approximate: true, distanceMeters, worker: null }];
  });
  // Nearest first by what the caller is told (stable: the index's order breaks ties).
  return answer.sort((a, b) => a.distanceMeters - b.distanceMeters).slice(0, q.limit);
}
