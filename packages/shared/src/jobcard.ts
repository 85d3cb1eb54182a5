import { z } from 'zod';

/*
 * `GET /v1/bookings/:id/job`: what the worker needs at the door — where (address and point, for a
 * navigation link), the pets' care notes, the owner's notes and instructions, and the owner's phone,
 * which the API gives only while the job is confirmed or in progress.
 */

const s = z.string().nullable();
export const jobCardPetSchema = z.object({
  id: z.string(),
  name: z.string(),
  species: z.string(),
  breed: s,
  allergies: z.array(z.string()),
  medications: z.array(z.object({ name: z.string(), dose: z.string(), schedule: z.string(), notes: z.string() })),
  /** Behaviour: temperament, and whether the pet is good with kids and other pets. */
  temperament: s,
  goodWithKids: z.boolean().nullable(),
  goodWithPets: z.boolean().nullable(),
  feedingNotes: s,
  careNotes: s,
  specialNeeds: s,
  vet: z.object({ name: z.string(), clinic: z.string(), phone: z.string(), address: z.string() }).nullable(),
  emergencyContact: z.object({ name: z.string(), phone: z.string(), relation: z.string() }).nullable(),
});
export type JobCardPet = z.infer<typeof jobCardPetSchema>;

export const jobCardSchema = z.object({
  bookingId: z.string(),
  status: z.string(),
  location: z.object({
    kind: z.string(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    address: z.object({ street: s.optional(), city: s.optional(), region: s.optional(), postalCode: s.optional(), country: s.optional() }).nullable(),
  }),
  notes: s,
  specialInstructions: s,
  /** `phone` is null unless the job is confirmed or in progress (and the owner gave one). */
  owner: z.object({ name: z.string(), phone: s }),
  pets: z.array(jobCardPetSchema),
});
export type JobCard = z.infer<typeof jobCardSchema>;

/** The statuses in which the worker may see the owner's phone. */
export const PHONE_VISIBLE_STATUSES = ['confirmed', 'in_progress'] as const;
