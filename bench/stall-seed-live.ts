/**
 * The live part of the stall benchmark's world. The longest walk: a 12-hour walk (the longest booking
 * of a slot service) of the heavy owner's 20 dogs, completed an hour ago, with as many points as a
 * track keeps (MAX_TRACK_POINTS, less what the benchmark's own uploads add: `trackPoints`), spread
 * evenly over the walk and written by the API's own `insertPoints`, a walk event every ten minutes and
 * the report made by the API's own `buildReport` (`rebuildReport` makes it again, as the job does after
 * late points). And workers online around London (their presence rows, the live index without Redis)
 * for the nearby-workers search.
 */
import { sql } from 'drizzle-orm';
import { MAX_BOOKING_DURATION_MINUTES, MAX_BOOKING_PETS, priceBooking } from '@walkydoggy/shared';
import { systemClock } from '../apps/api/src/platform/clock.js';
import { postgresDatabase, rowsOf } from '../apps/api/src/platform/db.js';
import { insertPoints } from '../apps/api/src/modules/tracking/track.queries.js';
import type { RawPoint } from '../apps/api/src/modules/tracking/track.js';
import { buildReport } from '../apps/api/src/modules/tracking/report.js';
import { benchApiConfig } from './support.js';
import { accessToken, chunks, type openSeedDatabase } from './seed-support.js';

export const WALK_MINUTES = MAX_BOOKING_DURATION_MINUTES;
export const WALK_EVENT_EVERY_MINUTES = 10;
export const ONLINE_WORKERS = 5000;

type Seeded = Awaited<ReturnType<typeof openSeedDatabase>>;
export type Walk = { bookingId: string; workerToken: string; points: RawPoint[] };

/** A dog walk's path: about 1.3 m/s, the heading wandering, starting at `home`. */
function walkPath(home: { lat: number; lng: number }, from: number, count: number, spacingMs: number): RawPoint[] {
  const points: RawPoint[] = [];
  let { lat, lng } = home;
  let heading = 0;
  for (let i = 0; i < count; i++) {
    heading += (Math.random() - 0.5) * 0.3;
    const meters = 1.3 * (spacingMs / 1000);
    lat += (meters * Math.cos(heading)) / 111_320;
    lng += (meters * Math.sin(heading)) / (111_320 * Math.cos((lat * Math.PI) / 180));
    points.push({ lng, lat, t: from + i * spacingMs, seq: i, accuracyM: 4 + (i % 9), speedMps: 1.3 });
  }
  return points;
}

export async function seedWalk(
  seeded: Seeded,
  dbUrl: string,
  w: { businessId: string; serviceId: string; workerId: string; ownerId: string; petIds: string[]; home: { lat: number; lng: number }; trackPoints: number },
): Promise<Walk> {
  const { bookings, bookingPets, walkEvents, workers } = await import('@walkydoggy/shared/db');
  const { db, tag } = seeded;
  const completedAt = new Date(Date.now() - 3_600_000);
  const startedAt = new Date(completedAt.getTime() - WALK_MINUTES * 60_000);
  const price = priceBooking({
    service: { priceMinor: 1800, currency: 'GBP', priceType: 'per_hour', additionalPetPriceMinor: 400, durationMinutes: 60 },
    pets: MAX_BOOKING_PETS,
    durationMinutes: WALK_MINUTES,
  });
  const [booking] = await db
    .insert(bookings)
    .values({
      number: `WD-B${tag}-WALK`,
      ownerId: w.ownerId,
      businessId: w.businessId,
      serviceId: w.serviceId,
      workerId: w.workerId,
      kind: 'slot',
      status: 'completed',
      startsAt: startedAt,
      endsAt: completedAt,
      blockedUntil: new Date(completedAt.getTime() + 15 * 60_000),
      durationMinutes: WALK_MINUTES,
      petCount: MAX_BOOKING_PETS,
      locationKind: 'owner_home',
      location: `SRID=4326;POINT(${w.home.lng} ${w.home.lat})`,
      price,
      totalMinor: price.totalMinor,
      currency: 'GBP',
      cancellationPolicy: 'moderate',
      confirmedAt: new Date(startedAt.getTime() - 86_400_000),
      startedAt,
      completedAt,
    })
    .returning({ id: bookings.id });
  const bookingId = booking!.id;
  await db.insert(bookingPets).values(w.petIds.map((petId) => ({ bookingId, petId })));

  // Strictly inside the walk: the first a moment after the start, the last a moment before the end.
  const spacing = Math.floor((WALK_MINUTES * 60_000) / w.trackPoints);
  const points = walkPath(w.home, startedAt.getTime() + Math.floor(spacing / 2), w.trackPoints, spacing);
  let written = 0;
  for (const part of chunks(points, 10_000))
    written += await insertPoints(
      db,
      part.map((p) => ({ ...p, bookingId })),
    );
  if (written !== points.length) throw new Error(`Only ${written} of ${points.length} track points were written.`);
  const kinds = ['pee', 'poo', 'water', 'food', 'note'] as const;
  await db.insert(walkEvents).values(
    Array.from({ length: WALK_MINUTES / WALK_EVENT_EVERY_MINUTES }, (_, i) => {
      const at = points[Math.floor((i * points.length) / (WALK_MINUTES / WALK_EVENT_EVERY_MINUTES))]!;
      const kind = kinds[i % kinds.length]!;
      return {
        bookingId,
        kind,
        at: new Date(at.t),
        lng: at.lng,
        lat: at.lat,
        note: kind === 'note' ? 'Biscuit met a friend at the pond and would not leave; all twenty had water after.' : null,
        clientId: `bench-${i}`,
      };
    }),
  );
  await rebuildReport(dbUrl, bookingId, db);
  const [worker] = await db
    .select({ userId: workers.userId })
    .from(workers)
    .where(sql`${workers.id} = ${w.workerId}`);
  const session = (await seeded.sessions([worker!.userId])).get(worker!.userId)!;
  return { bookingId, workerToken: accessToken(worker!.userId, 'worker', session), points };
}

/**
 * The walk's report, made as the `tracking.report` job makes it (at completion, and again after late
 * points: the benchmark's API runs no jobs), on `db` or on a connection of its own.
 */
export async function rebuildReport(dbUrl: string, bookingId: string, db?: Seeded['db']): Promise<void> {
  const config = await benchApiConfig(dbUrl);
  const own = db ? null : postgresDatabase(dbUrl, 1);
  try {
    // The owner's notification of the report is not part of this world: nothing to tell.
    await buildReport({ db: db ?? own!.db, clock: systemClock, config, notifier: { notify: async () => {} } }, { flush: async () => {} }, bookingId);
  } finally {
    await own?.close();
  }
}

/** Workers of the city's verified businesses online within 3 km of their business, as going online leaves them. */
export async function seedPresence(db: Seeded['db'], exceptBusinessId: string): Promise<number> {
  const rows = await db.execute(sql`insert into worker_presence (worker_id, business_id, user_id, online_at, location, accuracy_m, recorded_at, seen_at)
    select w.id, w.business_id, w.user_id, now(), ST_Project(b.location, random() * 3000, radians(random() * 360)), 10, now(), now()
    from workers w join businesses b on b.id = w.business_id
    where b.verification_status = 'verified' and b.active and w.status = 'active' and b.id <> ${exceptBusinessId}
    limit ${ONLINE_WORKERS}
    returning 1`);
  return rowsOf(rows).length;
}

/** Presence older than five minutes is not live: the nearby search runs right after this. */
export const REFRESH_PRESENCE_SQL = 'update worker_presence set seen_at = now(), recorded_at = now() where online_at is not null';
