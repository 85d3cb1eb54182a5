import { eq } from 'drizzle-orm';
import { businesses, workers } from '@walkydoggy/shared/db';
import type { TestApp } from './app.js';
import { actorsFor, type Actors, type Caller } from '../businesses/fixtures.js';

/**
 * A bookable marketplace for the booking and payment tests: a verified business (Europe/Berlin unless
 * told otherwise) open every day 07:00–20:00, one worker available the same hours, one service, and a
 * pet owner with a dog. Built through the API like a user would, except the weekly hours and the
 * worker's availability, which are written directly (their own endpoints are tested elsewhere).
 */
export type ServiceInput = {
  name?: string;
  type?: 'walking' | 'boarding' | 'daycare' | 'grooming' | 'training' | 'sitting' | 'drop_in';
  priceMinor?: number;
  currency?: string;
  priceType?: 'per_hour' | 'per_day' | 'per_night' | 'per_session' | 'fixed';
  additionalPetPriceMinor?: number;
  durationMinutes?: number | null;
  petTypes?: ('dog' | 'cat' | 'other')[];
  maxPets?: number;
  requiredVaccinations?: string[];
  cancellationPolicy?: 'flexible' | 'moderate' | 'strict';
  workerIds?: string[];
};

export const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
export const allWeek = (open = '07:00', close = '20:00') => EVERY_DAY.map((day) => ({ day, open, close }));

export async function newService(t: TestApp, owner: Caller, businessId: string, input: ServiceInput = {}): Promise<string> {
  const payload = {
    name: input.name ?? 'Neighbourhood walk',
    type: input.type ?? 'walking',
    price: { amountMinor: input.priceMinor ?? 2000, currency: input.currency ?? 'EUR' },
    priceType: input.priceType ?? 'per_session',
    additionalPetPriceMinor: input.additionalPetPriceMinor ?? 500,
    ...(input.durationMinutes !== null ? { durationMinutes: input.durationMinutes ?? 60 } : {}),
    petTypes: input.petTypes ?? ['dog'],
    maxPets: input.maxPets ?? 3,
    requiredVaccinations: input.requiredVaccinations ?? [],
    cancellationPolicy: input.cancellationPolicy ?? 'moderate',
    ...(input.workerIds ? { workerIds: input.workerIds } : {}),
  };
  const res = await t.app.inject({ method: 'POST', url: `/v1/businesses/${businessId}/services`, headers: t.bearer(owner.accessToken), payload });
  if (res.statusCode !== 201) throw new Error(`create service failed: ${res.statusCode} ${res.body}`);
  return res.json().data.id as string;
}

export async function newPet(t: TestApp, owner: Caller, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/pets', headers: t.bearer(owner.accessToken), payload: { name: 'Rex', species: 'dog', ...body } });
  if (res.statusCode !== 201) throw new Error(`create pet failed: ${res.statusCode} ${res.body}`);
  return res.json().data.id as string;
}

/** Sets a worker's weekly windows (default: every day 07:00–20:00). */
export async function setAvailability(t: TestApp, workerId: string, windows = EVERY_DAY.map((day) => ({ day, start: '07:00', end: '20:00' }))) {
  await t.db.update(workers).set({ weeklyAvailability: windows }).where(eq(workers.id, workerId));
}

export type Marketplace = Actors & { serviceId: string; petId: string; timeZone: string };

export async function marketplace(
  t: TestApp,
  opts: { timeZone?: string; service?: ServiceInput; business?: Partial<typeof businesses.$inferInsert> } = {},
): Promise<Marketplace> {
  const actors = await actorsFor(t);
  const timeZone = opts.timeZone ?? 'Europe/Berlin';
  await t.db
    .update(businesses)
    .set({ timeZone, operatingHours: allWeek(), closedDates: [], travelBufferMinutes: 15, ...opts.business })
    .where(eq(businesses.id, actors.businessId));
  await setAvailability(t, actors.worker.workerId);
  const serviceId = await newService(t, actors.owner, actors.businessId, { workerIds: [actors.worker.workerId], ...opts.service });
  const petId = await newPet(t, actors.petOwner);
  return { ...actors, serviceId, petId, timeZone };
}
