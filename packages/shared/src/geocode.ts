import { z } from 'zod';

/** Geocoding contract (docs/api/geocode.md): place names and addresses to points and back. */
export const GEOCODE_MAX_RESULTS = 10;
export const GEOCODE_DEFAULT_RESULTS = 5;

export const GEOCODE_PLACE_KINDS = ['city', 'district', 'street', 'address', 'poi'] as const;
export type GeocodePlaceKind = (typeof GEOCODE_PLACE_KINDS)[number];

const lat = z.coerce.number().min(-90).max(90);
const lng = z.coerce.number().min(-180).max(180);

/** `near=lat,lng`: results close to it rank first. */
const near = z
  .string()
  .max(64)
  .transform((v, ctx) => {
    const parts = v.split(',').map((s) => Number(s.trim()));
    const [la, ln] = parts;
    if (parts.length !== 2 || la === undefined || ln === undefined || !Number.isFinite(la) || !Number.isFinite(ln) || Math.abs(la) > 90 || Math.abs(ln) > 180) {
      ctx.addIssue({ code: 'custom', message: 'Give near as "lat,lng" in degrees, for example "51.5,-0.12".' });
      return z.NEVER;
    }
    return { lat: la, lng: ln };
  });

export const geocodeQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(2, { message: 'Type at least 2 characters.' })
    .max(200, { message: 'At most 200 characters.' })
    // A percent-escape left in after decoding is a malformed URL (no place name has one).
    .refine((q) => !/%[0-9a-f]{1,2}/i.test(q), { message: 'This is not a place name: the address has a malformed %-escape.' }),
  near: near.optional(),
  limit: z.coerce.number().int().min(1).max(GEOCODE_MAX_RESULTS).default(GEOCODE_DEFAULT_RESULTS),
  /** Preferred language of the names (BCP 47), passed to an HTTP provider. */
  lang: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/, { message: 'A language tag such as "en" or "en-GB".' })
    .optional(),
});
export type GeocodeQuery = z.infer<typeof geocodeQuerySchema>;

export const reverseGeocodeQuerySchema = z.object({ lat, lng });
export type ReverseGeocodeQuery = z.infer<typeof reverseGeocodeQuerySchema>;

export const geocodeAddressSchema = z.object({
  street: z.string().nullable(),
  city: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});

export const geocodePlaceSchema = z.object({
  /** What to show in a field: "Fulham, London, GB". */
  label: z.string(),
  /** The place's own name: "Fulham". */
  name: z.string(),
  kind: z.enum(GEOCODE_PLACE_KINDS),
  lat: z.number(),
  lng: z.number(),
  address: geocodeAddressSchema.optional(),
});
export type GeocodePlace = z.infer<typeof geocodePlaceSchema>;

/** Where search starts when nobody has chosen a place (DEFAULT_AREA, else where the listed businesses are). */
export const defaultAreaSchema = z.object({ label: z.string(), lat: z.number(), lng: z.number() });
export type DefaultArea = z.infer<typeof defaultAreaSchema>;
