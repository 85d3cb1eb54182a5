import { z } from 'zod';
import { paymentsConfigSchema } from './payments.js';
import { defaultAreaSchema } from './geocode.js';
import { calendarDateSchema } from './input.js';
import { pageMetaSchema } from './envelope.js';
import { PRICE_TYPES, SERVICE_PET_TYPES, SERVICE_TYPES } from './services.js';

/** Search and discovery contract (docs/api/catalog.md, "Search and discovery"). */
/** Larger circles would scan too much of the index and mean nothing to someone looking for a walker. */
export const SEARCH_MAX_RADIUS_KM = 50;
export const SEARCH_DEFAULT_RADIUS_KM = 10;
export const SEARCH_MAX_MARKERS = 500;

const lat = z.coerce.number().min(-90).max(90);
const lng = z.coerce.number().min(-180).max(180);
const radius = z.coerce
  .number()
  .positive()
  .max(SEARCH_MAX_RADIUS_KM, { message: `The radius is at most ${SEARCH_MAX_RADIUS_KM} km.` })
  .default(SEARCH_DEFAULT_RADIUS_KM);
const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().min(1).max(512).optional();
const filters = {
  serviceType: z.enum(SERVICE_TYPES).optional(),
  petType: z.enum(SERVICE_PET_TYPES).optional(),
  maxPrice: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
};

/**
 * Businesses checked against the availability engine for one page of an `availableOn` search, at
 * most: each check computes a service's slots for the day, so a page that finds few free businesses
 * stops here and hands back a cursor to go on from (meta.capped).
 */
export const SEARCH_AVAILABILITY_MAX_CHECKS = 40;
/** "HH:MM", 24-hour; "24:00" is the end of the day. */
const clock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Use a 24-hour time like 09:30.');
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const businessSearchQuerySchema = z
  .object({
    lat,
    lng,
    radius,
    ...filters,
    minRating: z.coerce.number().min(0).max(5).optional(),
    sort: z.enum(['distance', 'rating', 'price']).default('distance'),
    cursor,
    limit,
    /** Only businesses with a bookable slot (or an open day with room) for `serviceType` and `pets` that local date… */
    availableOn: calendarDateSchema.optional(),
    /** …starting at or after `from` and ending by `to`, local time of each business (default the whole day). */
    from: clock.optional(),
    to: clock.optional(),
    pets: z.coerce.number().int().min(1).max(20).default(1),
  })
  .superRefine((q, ctx) => {
    if (q.availableOn === undefined) {
      for (const key of ['from', 'to'] as const)
        if (q[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'A time needs a date: give availableOn too.' });
      return;
    }
    if (!q.serviceType) ctx.addIssue({ code: 'custom', path: ['serviceType'], message: 'Choose a service type to search by availability.' });
    if (q.from !== undefined && q.to !== undefined && minutesOf(q.from) >= minutesOf(q.to))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end time must be after the start time.' });
  });
export type BusinessSearchQuery = z.infer<typeof businessSearchQuerySchema>;

export const serviceSearchQuerySchema = z
  .object({
    lat: lat.optional(),
    lng: lng.optional(),
    radius,
    ...filters,
    sort: z.enum(['price', 'distance']).optional(),
    cursor,
    limit,
  })
  .superRefine((q, ctx) => {
    if ((q.lat === undefined) !== (q.lng === undefined))
      ctx.addIssue({ code: 'custom', path: [q.lat === undefined ? 'lat' : 'lng'], message: 'Give both lat and lng, or neither.' });
    if (q.sort === 'distance' && q.lat === undefined) ctx.addIssue({ code: 'custom', path: ['sort'], message: 'Sorting by distance needs lat and lng.' });
  });
export type ServiceSearchQuery = z.infer<typeof serviceSearchQuerySchema>;

export const markerQuerySchema = z.object({ lat, lng, radius, serviceType: filters.serviceType, petType: filters.petType });
export type MarkerQuery = z.infer<typeof markerQuerySchema>;

export const searchPhotoSchema = z.object({ url: z.string(), thumbnailUrl: z.string() });
const point = z.object({ lat: z.number(), lng: z.number() });

export const businessSearchResultSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['individual', 'company']),
  description: z.string().nullable(),
  location: point,
  distanceKm: z.number(),
  rating: z.number().nullable(),
  reviewCount: z.number().int(),
  lowestPrice: z.object({ amountMinor: z.number().int(), currency: z.string(), priceType: z.enum(PRICE_TYPES) }).nullable(),
  photo: searchPhotoSchema.nullable(),
  serviceTypes: z.array(z.string()),
  address: z.object({ city: z.string().nullable() }),
});
export type BusinessSearchResult = z.infer<typeof businessSearchResultSchema>;

export const serviceSearchResultSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(SERVICE_TYPES),
  description: z.string().nullable(),
  price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
  priceType: z.enum(PRICE_TYPES),
  durationMinutes: z.number().int().nullable(),
  petTypes: z.array(z.string()),
  maxPets: z.number().int(),
  distanceKm: z.number().nullable(),
  business: z.object({
    id: z.string(),
    name: z.string(),
    rating: z.number().nullable(),
    reviewCount: z.number().int(),
    location: point,
    address: z.object({ city: z.string().nullable() }),
    photo: searchPhotoSchema.nullable(),
  }),
});
export type ServiceSearchResult = z.infer<typeof serviceSearchResultSchema>;

export const businessMarkerSchema = z.object({
  id: z.string(),
  name: z.string(),
  lat: z.number(),
  lng: z.number(),
  rating: z.number().nullable(),
  lowestPriceMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  serviceTypes: z.array(z.string()),
});
export type BusinessMarker = z.infer<typeof businessMarkerSchema>;

/** A page of an `availableOn` search also says how many businesses it checked and whether it stopped at the cap. */
export const businessSearchMetaSchema = pageMetaSchema.extend({ checked: z.number().int().optional(), capped: z.boolean().optional() });

export const publicConfigSchema = z.object({
  mapStyleUrl: z.string().nullable(),
  payments: paymentsConfigSchema,
  /** Where search starts with no place chosen; null when nothing is configured and no business is listed. */
  defaultArea: defaultAreaSchema.nullable(),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;
