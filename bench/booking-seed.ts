/**
 * The world of the booking benchmark: one verified business in London with 200 workers, a walking
 * service and 50 owners with a dog, seeded into a scratch PostgreSQL database, and the start times
 * that can be booked. Shared by the load (booking.ts) and the pgbench ceilings (booking-ceilings.ts).
 */
import { analyze } from './support.js';
import { accessToken, everyDay, openSeedDatabase } from './seed-support.js';

export const WORKERS = 200;
export const OWNERS = 50;
export const DAYS = 60;
export const TIME_ZONE = 'Europe/London';
/** Operating hours and every worker's window, every day: a 60-minute walk can start 06:00 … 21:00. */
export const OPEN = '06:00';
export const CLOSE = '22:00';
export const DURATION_MINUTES = 60;
export const TRAVEL_BUFFER_MINUTES = 15;
export const STARTS_PER_DAY = ((22 - 6) * 60 - DURATION_MINUTES) / 15 + 1;
export const BUSINESS = { lat: 51.5072, lng: -0.1276 };
/** The owners' homes: within 10 km of the business, which has no drawn area. */
export const HOME = { lat: 51.515, lng: -0.141 };
export type Seeded = { businessId: string; serviceId: string; workerIds: string[]; owners: { id: string; petId: string; token: string }[]; firstDate: string };

// ───────────────────────── seeding ─────────────────────────

/** The local date `days` after today in the business's zone. */
function localDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export async function seed(dbUrl: string): Promise<Seeded> {
  const { users, businesses, workers, services, pets } = await import('@walkydoggy/shared/db');
  const { database, db, person, sessions } = await openSeedDatabase(dbUrl);

  const [boss] = await db.insert(users).values(person('business', 0)).returning({ id: users.id });
  const [business] = await db
    .insert(businesses)
    .values({
      ownerId: boss!.id,
      name: 'Bench Walkers London',
      type: 'company',
      address: { street: '1 Trafalgar Square', city: 'London', postalCode: 'WC2N 5DN', country: 'GB' },
      location: `SRID=4326;POINT(${BUSINESS.lng} ${BUSINESS.lat})`,
      timeZone: TIME_ZONE,
      operatingHours: everyDay(OPEN, CLOSE),
      verificationStatus: 'verified',
      travelBufferMinutes: TRAVEL_BUFFER_MINUTES,
    })
    .returning({ id: businesses.id });
  const workerUsers = await db
    .insert(users)
    .values(Array.from({ length: WORKERS }, (_, i) => person('worker', i)))
    .returning({ id: users.id });
  const workerRows = await db
    .insert(workers)
    .values(
      workerUsers.map((u) => ({
        userId: u.id,
        businessId: business!.id,
        weeklyAvailability: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: OPEN, end: CLOSE })),
      })),
    )
    .returning({ id: workers.id });
  // No service_workers rows: every active worker of the business performs the service.
  const [service] = await db
    .insert(services)
    .values({
      businessId: business!.id,
      name: 'City walk',
      type: 'walking',
      priceMinor: 2000,
      currency: 'GBP',
      priceType: 'per_session',
      additionalPetPriceMinor: 500,
      durationMinutes: DURATION_MINUTES,
      petTypes: ['dog'],
      maxPets: 2,
    })
    .returning({ id: services.id });
  const ownerRows = await db
    .insert(users)
    .values(Array.from({ length: OWNERS }, (_, i) => person('pet_owner', i)))
    .returning({ id: users.id });
  const petRows = await db
    .insert(pets)
    .values(ownerRows.map((o, i) => ({ ownerId: o.id, name: `Dog ${i}`, species: 'dog' as const })))
    .returning({ id: pets.id, ownerId: pets.ownerId });
  const sessionOf = await sessions(ownerRows.map((o) => o.id));
  await database.close();
  await analyze(dbUrl);
  return {
    businessId: business!.id,
    serviceId: service!.id,
    workerIds: workerRows.map((w) => w.id),
    owners: ownerRows.map((o) => ({
      id: o.id,
      petId: petRows.find((p) => p.ownerId === o.id)!.id,
      token: accessToken(o.id, 'pet_owner', sessionOf.get(o.id)!),
    })),
    // The day after tomorrow: every slot is well past the "at least 60 minutes from now" rule.
    firstDate: localDate(2),
  };
}

/** Every start instant of the range: DAYS local dates × the quarter hours a walk fits in, in the business's zone. */
export function slotStarts(firstDate: string): string[] {
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' }).formatToParts(new Date(instant));
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((p) => p.type === 'timeZoneName')?.value ?? '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  const starts: string[] = [];
  for (let d = 0; d < DAYS; d++) {
    const midnight = Date.parse(`${firstDate}T00:00:00Z`) + d * 86_400_000;
    for (let q = 0; q < STARTS_PER_DAY; q++) {
      const wall = midnight + (6 * 60 + q * 15) * 60_000;
      starts.push(new Date(wall - offsetAt(wall) * 60_000).toISOString());
    }
  }
  return starts;
}
