import { z } from 'zod';
import { businessLocationSchema } from './businesses.js';

/** Saved places of a person: home, work and others, offered first when booking. */
export const PLACE_KINDS = ['home', 'work', 'other'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
export const MAX_SAVED_PLACES = 20;
export const PLACE_LABEL_MAX = 60;

/** The label a place gets when none is typed. */
export const DEFAULT_PLACE_LABELS: Record<PlaceKind, string> = { home: 'Home', work: 'Work', other: 'Other place' };

const required = (max: number, message: string) => z.string().trim().min(1, message).max(max, `At most ${max} characters.`);
const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional()
    .transform((s) => s ?? null);

/**
 * The address of a saved place, with the same bounds as a business address (businessAddressSchema);
 * a street and a city are required, so the place can always be named by its address.
 */
export const placeAddressSchema = z.object({
  street: required(200, 'Enter the street and number.'),
  city: required(120, 'Enter the city.'),
  postalCode: optional(20),
  country: optional(80),
});
export type PlaceAddressInput = z.input<typeof placeAddressSchema>;

const labelSchema = z.string().trim().min(1, 'Enter a label.').max(PLACE_LABEL_MAX, `A label has at most ${PLACE_LABEL_MAX} characters.`);

export const createPlaceBodySchema = z.object({
  kind: z.enum(PLACE_KINDS, { message: 'Choose home, work or other.' }),
  /** "Home", "Work" or the street when left out. */
  label: labelSchema.optional(),
  address: placeAddressSchema,
  location: businessLocationSchema,
});
export type CreatePlaceBody = z.input<typeof createPlaceBodySchema>;

export const updatePlaceBodySchema = createPlaceBodySchema
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'Send at least one field to change.' });
export type UpdatePlaceBody = z.input<typeof updatePlaceBodySchema>;

export const placeIdParamsSchema = z.object({ id: z.uuid({ message: 'Not a valid id.' }) });

export const placeSchema = z.object({
  id: z.string(),
  kind: z.enum(PLACE_KINDS),
  label: z.string(),
  address: z.object({ street: z.string(), city: z.string(), postalCode: z.string().nullable(), country: z.string().nullable() }),
  location: z.object({ lat: z.number(), lng: z.number() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Place = z.infer<typeof placeSchema>;
