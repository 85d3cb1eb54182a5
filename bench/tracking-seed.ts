/**
 * The world of the tracking benchmark, seeded straight into a scratch PostgreSQL database: businesses
 * of 20 workers each in London, every worker online (`worker_presence`) with one `in_progress` walk
 * that started ten minutes ago for its own pet owner, and extra signed-up accounts for the idle-socket
 * run. Tokens are signed exactly as the API signs access tokens.
 */
import { sql } from 'drizzle-orm';
import { analyze } from './support.js';
import { accessToken, chunks, everyDay, openSeedDatabase } from './seed-support.js';

export const WORKERS_PER_BUSINESS = 20;
export const CENTRE = { lat: 51.5072, lng: -0.1276 };
export type Pair = { workerId: string; bookingId: string; workerToken: string; ownerToken: string; home: { lat: number; lng: number } };
export type TrackingWorld = { pairs: Pair[]; idleTokens: string[] };

export async function seedTracking(dbUrl: string, workerCount: number, idleCount: number): Promise<TrackingWorld> {
  const { businesses, workers, services, pets, bookings, bookingPets, workerPresence } = await import('@walkydoggy/shared/db');
  const { database, db, now, tag, sessions, insertPeople: insertUsers } = await openSeedDatabase(dbUrl);

  const businessCount = Math.ceil(workerCount / WORKERS_PER_BUSINESS);
  const bosses = await insertUsers('business', businessCount);
  const businessIds: string[] = [];
  const serviceIds: string[] = [];
  for (const [i, ownerId] of bosses.entries()) {
    const [business] = await db
      .insert(businesses)
      .values({
        ownerId,
        name: `Bench Walkers ${i}`,
        type: 'company',
        address: { street: '1 Trafalgar Square', city: 'London', postalCode: 'WC2N 5DN', country: 'GB' },
        location: `SRID=4326;POINT(${CENTRE.lng} ${CENTRE.lat})`,
        timeZone: 'Europe/London',
        operatingHours: everyDay('00:00', '23:59'),
        verificationStatus: 'verified',
      })
      .returning({ id: businesses.id });
    const [service] = await db
      .insert(services)
      .values({
        businessId: business!.id,
        name: 'City walk',
        type: 'walking',
        priceMinor: 2000,
        currency: 'GBP',
        priceType: 'per_session',
        durationMinutes: 60,
        petTypes: ['dog'],
        maxPets: 2,
      })
      .returning({ id: services.id });
    businessIds.push(business!.id);
    serviceIds.push(service!.id);
  }

  const workerUsers = await insertUsers('worker', workerCount);
  const workerIds: string[] = [];
  for (const part of chunks(workerUsers.map((userId, i) => ({ userId, businessId: businessIds[Math.floor(i / WORKERS_PER_BUSINESS)]! }))))
    workerIds.push(...(await db.insert(workers).values(part).returning({ id: workers.id })).map((r) => r.id));
  const owners = await insertUsers('pet_owner', workerCount);
  const petIds: string[] = [];
  for (const part of chunks(owners.map((ownerId, i) => ({ ownerId, name: `Dog ${i}`, species: 'dog' as const }))))
    petIds.push(...(await db.insert(pets).values(part).returning({ id: pets.id })).map((r) => r.id));

  // Homes spread over ~10 km around the centre; each walk started ten minutes ago and ends in fifty.
  const homes = owners.map(() => ({ lat: CENTRE.lat + (Math.random() - 0.5) * 0.09, lng: CENTRE.lng + (Math.random() - 0.5) * 0.14 }));
  const started = new Date(now.getTime() - 10 * 60_000);
  const ends = new Date(started.getTime() + 60 * 60_000);
  const price = { currency: 'GBP', lines: [], subtotalMinor: 2000, discountMinor: 0, totalMinor: 2000 };
  const bookingIds: string[] = [];
  for (const part of chunks(owners.map((ownerId, i) => ({ ownerId, i }))))
    bookingIds.push(
      ...(
        await db
          .insert(bookings)
          .values(
            part.map(({ ownerId, i }) => ({
              number: `WD-B${tag}-${i}`,
              ownerId,
              businessId: businessIds[Math.floor(i / WORKERS_PER_BUSINESS)]!,
              serviceId: serviceIds[Math.floor(i / WORKERS_PER_BUSINESS)]!,
              workerId: workerIds[i]!,
              kind: 'slot' as const,
              status: 'in_progress' as const,
              startsAt: started,
              endsAt: ends,
              blockedUntil: ends,
              durationMinutes: 60,
              petCount: 1,
              locationKind: 'owner_home' as const,
              location: `SRID=4326;POINT(${homes[i]!.lng} ${homes[i]!.lat})`,
              price,
              totalMinor: 2000,
              currency: 'GBP',
              cancellationPolicy: 'moderate' as const,
              confirmedAt: started,
              startedAt: started,
            })),
          )
          .returning({ id: bookings.id })
      ).map((r) => r.id),
    );
  for (const part of chunks(bookingIds.map((bookingId, i) => ({ bookingId, petId: petIds[i]! })))) await db.insert(bookingPets).values(part);
  // Online since the walk started, at the owner's home (as POST /v1/workers/:id/online would leave it).
  for (const part of chunks(workerIds.map((workerId, i) => ({ workerId, i }))))
    await db.insert(workerPresence).values(
      part.map(({ workerId, i }) => ({
        workerId,
        businessId: businessIds[Math.floor(i / WORKERS_PER_BUSINESS)]!,
        userId: workerUsers[i]!,
        onlineAt: started,
        location: `SRID=4326;POINT(${homes[i]!.lng} ${homes[i]!.lat})`,
        accuracyM: 10,
        recordedAt: started,
        seenAt: started,
      })),
    );
  const idle = await insertUsers('pet_owner', idleCount, workerCount);
  const sessionOf = await sessions([...workerUsers, ...owners, ...idle]);
  await db.execute(sql`select 1`);
  await database.close();
  await analyze(dbUrl);
  return {
    pairs: workerIds.map((workerId, i) => ({
      workerId,
      bookingId: bookingIds[i]!,
      workerToken: accessToken(workerUsers[i]!, 'worker', sessionOf.get(workerUsers[i]!)!),
      ownerToken: accessToken(owners[i]!, 'pet_owner', sessionOf.get(owners[i]!)!),
      home: homes[i]!,
    })),
    idleTokens: idle.map((id) => accessToken(id, 'pet_owner', sessionOf.get(id)!)),
  };
}
