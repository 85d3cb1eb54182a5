import { z } from 'zod';
import { mediaSchema } from './media.js';
import { phoneSchema } from './auth.js';
import { serviceSchema } from './services.js';
import { calendarDateSchema } from './input.js';
import { START_WINDOW_MAX_MINUTES } from './setoff.js';

// ───────────────────────── building blocks ─────────────────────────

/** Lists: `?limit=` 1–100 (default 20) and an opaque `?cursor=`. */
export const catalogPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type CatalogPageQuery = z.infer<typeof catalogPageQuerySchema>;

/** "HH:MM", 24-hour. */
export const catalogClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 09:30.');
export const catalogWeekdaySchema = z.number().int().min(0, 'Days are 0 (Sunday) to 6 (Saturday).').max(6, 'Days are 0 (Sunday) to 6 (Saturday).');

export function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
/** An IANA time zone name the runtime knows, like Europe/Berlin. */
export const businessTimeZoneSchema = z.string().trim().min(1).max(64).refine(isIanaTimeZone, 'Use an IANA time zone like Europe/Berlin.');

export const businessLocationSchema = z.object({
  lat: z.number().min(-90, 'Latitude is between -90 and 90.').max(90, 'Latitude is between -90 and 90.'),
  lng: z.number().min(-180, 'Longitude is between -180 and 180.').max(180, 'Longitude is between -180 and 180.'),
});
export type BusinessLocation = z.infer<typeof businessLocationSchema>;

// ───────────────────────── service area (GeoJSON) ─────────────────────────

export const SERVICE_AREA_MAX_VERTICES = 1000;

const position = z.tuple([
  z.number().min(-180, 'Longitude is between -180 and 180.').max(180, 'Longitude is between -180 and 180.'),
  z.number().min(-90, 'Latitude is between -90 and 90.').max(90, 'Latitude is between -90 and 90.'),
]);
const ring = z
  .array(position)
  .min(4, 'A ring needs at least 4 positions (the first repeated at the end).')
  .refine((r) => r.length < 4 || (r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1]), 'A ring must be closed: end at its first position.');
const polygonCoordinates = z.array(ring).min(1, 'A polygon needs an outer ring.');

const countVertices = (polygons: [number, number][][][]) => polygons.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);

/**
 * A service area: GeoJSON Polygon or MultiPolygon in [lng, lat]. Shape, closed rings, ranges and the
 * vertex budget are checked here; self-intersection by PostGIS (`ST_IsValid`) in the API. Edges are
 * read as on a sphere, so an area may cross the antimeridian (179.5 … -179.5).
 */
export const serviceAreaSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: polygonCoordinates }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoordinates).min(1, 'A MultiPolygon needs at least one polygon.') }),
  ])
  .superRefine((area, ctx) => {
    const n = countVertices(area.type === 'Polygon' ? [area.coordinates] : area.coordinates);
    if (n > SERVICE_AREA_MAX_VERTICES)
      ctx.addIssue({
        code: 'custom',
        path: ['coordinates'],
        message: `A service area may have at most ${SERVICE_AREA_MAX_VERTICES} vertices; this one has ${n}.`,
      });
  });
export type ServiceArea = z.infer<typeof serviceAreaSchema>;

// ───────────────────────── hours, contact, address ─────────────────────────

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Windows of one week, `from < to` each, not overlapping on the same day. */
export function weeklyWindowsSchema<T extends z.ZodType<{ day: number }>>(item: T, from: string, to: string) {
  return z
    .array(item)
    .max(50)
    .superRefine((list, ctx) => {
      const windows = list as unknown as ({ day: number } & Record<string, string>)[];
      windows.forEach((w, i) => {
        if (toMinutes(w[from]!) >= toMinutes(w[to]!)) ctx.addIssue({ code: 'custom', path: [i, to], message: `'${to}' must be later than '${from}'.` });
        windows.forEach((v, j) => {
          if (j > i && v.day === w.day && toMinutes(v[from]!) < toMinutes(w[to]!) && toMinutes(w[from]!) < toMinutes(v[to]!))
            ctx.addIssue({ code: 'custom', path: [j], message: `Overlaps another window on day ${w.day}.` });
        });
      });
    });
}

export const operatingHoursSchema = weeklyWindowsSchema(
  z.object({ day: catalogWeekdaySchema, open: catalogClockTimeSchema, close: catalogClockTimeSchema }),
  'open',
  'close',
);
export type OperatingHoursInput = z.infer<typeof operatingHoursSchema>;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

export const businessContactSchema = z.object({
  email: z.union([z.email('Enter a valid e-mail address.'), z.literal('').transform(() => null), z.null()]).optional(),
  phone: z.union([phoneSchema, z.literal('').transform(() => null), z.null()]).optional(),
  website: z
    .union([
      z.url({ protocol: /^https?$/, message: 'Enter a web address starting with http:// or https://.' }).max(300),
      z.literal('').transform(() => null),
      z.null(),
    ])
    .optional(),
});

export const businessAddressSchema = z.object({
  street: optionalText(200),
  city: optionalText(120),
  region: optionalText(120),
  postalCode: optionalText(20),
  country: optionalText(80),
});

// ───────────────────────── booking settings ─────────────────────────

/**
 * How the business takes bookings. `travelBufferMinutes`: time a worker is held after each slot
 * booking (to get to the next pet); `dailyCapacity`: pets a day for boarding and daycare;
 * `bookingExpiryHours`: how long a request waits for an answer before it expires; `startWindowMinutes`:
 * how early before the start a worker may set off.
 */
export const businessBookingSettingsSchema = z.object({
  travelBufferMinutes: z.number().int().min(0, 'The travel buffer is 0 to 240 minutes.').max(240, 'The travel buffer is 0 to 240 minutes.'),
  dailyCapacity: z.number().int().min(0, 'The daily capacity is 0 to 1000 pets.').max(1000, 'The daily capacity is 0 to 1000 pets.'),
  bookingExpiryHours: z.number().int().min(1, 'Requests expire after 1 to 168 hours.').max(168, 'Requests expire after 1 to 168 hours.'),
  /** How long before a booking's start its worker may say "On my way" and start it (`whenCanSetOff`). */
  startWindowMinutes: z
    .number()
    .int()
    .min(0, `Workers may set off 0 to ${START_WINDOW_MAX_MINUTES} minutes before the start.`)
    .max(START_WINDOW_MAX_MINUTES, `Workers may set off 0 to ${START_WINDOW_MAX_MINUTES} minutes before the start.`),
});
export type BusinessBookingSettings = z.infer<typeof businessBookingSettingsSchema>;

// ───────────────────────── requests ─────────────────────────

export const BUSINESS_TYPES = ['individual', 'company'] as const;
export const VERIFICATION_STATUSES = ['pending', 'verified', 'suspended'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

const businessFields = {
  name: z.string().trim().min(2, 'Name is required.').max(120),
  description: optionalText(5000),
  type: z.enum(BUSINESS_TYPES),
  logoMediaId: z.uuid().nullable().optional(),
  coverMediaId: z.uuid().nullable().optional(),
  contact: businessContactSchema.optional(),
  address: businessAddressSchema.optional(),
  location: businessLocationSchema,
  timeZone: businessTimeZoneSchema,
  serviceArea: serviceAreaSchema.nullable().optional(),
  operatingHours: operatingHoursSchema.optional(),
  closedDates: z
    .array(calendarDateSchema)
    .max(366)
    .refine((d) => new Set(d).size === d.length, 'Each closed date once.')
    .optional(),
  active: z.boolean().optional(),
  /** Any subset; the others keep their value (on create: 15 minutes, 10 pets, 24 hours, 120 minutes). */
  bookingSettings: businessBookingSettingsSchema.partial().optional(),
};

export const createBusinessBodySchema = z.object(businessFields);
export type CreateBusinessBody = z.infer<typeof createBusinessBodySchema>;

export const updateBusinessBodySchema = z
  .object(businessFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });
export type UpdateBusinessBody = z.infer<typeof updateBusinessBodySchema>;

export const businessListQuerySchema = catalogPageQuerySchema.extend({ verificationStatus: z.enum(VERIFICATION_STATUSES).optional() });

export const BUSINESS_DOCUMENT_KINDS = ['certification', 'insurance'] as const;
export const businessDocumentBodySchema = z.object({
  kind: z.enum(BUSINESS_DOCUMENT_KINDS),
  title: z.string().trim().min(1, 'Title is required.').max(200),
  issuer: optionalText(200),
  policyNumber: optionalText(100),
  expiresOn: calendarDateSchema.nullable().optional(),
  mediaId: z.uuid().nullable().optional(),
});
export type BusinessDocumentBody = z.infer<typeof businessDocumentBodySchema>;

export const mediaIdBodySchema = z.object({ mediaId: z.uuid() });

export const verificationBodySchema = z.object({ status: z.enum(VERIFICATION_STATUSES), note: z.string().trim().max(1000).optional() });

// ───────────────────────── responses ─────────────────────────

/** The `Media` of the catalog contract, as businesses and workers show it. */
/** The media object of the contract, as the media module serves it. */
export const catalogMediaSchema = mediaSchema;
export type CatalogMedia = z.infer<typeof catalogMediaSchema>;

export const businessDocumentSchema = z.object({
  id: z.string(),
  kind: z.enum(BUSINESS_DOCUMENT_KINDS),
  title: z.string(),
  issuer: z.string().nullable(),
  policyNumber: z.string().nullable(),
  expiresOn: z.string().nullable(),
  /** True once `expiresOn` is before today (UTC). */
  expired: z.boolean(),
  media: catalogMediaSchema.nullable(),
});
export type BusinessDocument = z.infer<typeof businessDocumentSchema>;

const nullableString = z.string().nullable();
export const businessSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  name: z.string(),
  description: nullableString,
  type: z.enum(BUSINESS_TYPES),
  logo: catalogMediaSchema.nullable(),
  cover: catalogMediaSchema.nullable(),
  photos: z.array(catalogMediaSchema),
  contact: z.object({ email: nullableString, phone: nullableString, website: nullableString }),
  address: z.object({ street: nullableString, city: nullableString, region: nullableString, postalCode: nullableString, country: nullableString }),
  location: z.object({ lat: z.number(), lng: z.number() }),
  timeZone: z.string(),
  serviceArea: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }).nullable(),
  operatingHours: z.array(z.object({ day: z.number().int(), open: z.string(), close: z.string() })),
  closedDates: z.array(z.string()),
  /** Only for the owner and admins. */
  documents: z.array(businessDocumentSchema).optional(),
  /** Only for the owner and admins: how the business schedules is internal to it. */
  bookingSettings: businessBookingSettingsSchema.optional(),
  verificationStatus: z.enum(VERIFICATION_STATUSES),
  active: z.boolean(),
  rating: z.number().nullable(),
  reviewCount: z.number().int(),
  services: z.array(serviceSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Business = z.infer<typeof businessSchema>;

// ───────────────────────── favourites ─────────────────────────

/** A pet owner keeps at most this many favourite businesses. */
export const MAX_FAVOURITE_BUSINESSES = 50;
export const favouriteBusinessSchema = z.object({
  id: z.string(),
  name: z.string(),
  city: z.string().nullable(),
  logoUrl: z.string().nullable(),
  rating: z.number().nullable(),
  reviewCount: z.number().int(),
  favouritedAt: z.string(),
});
export type FavouriteBusiness = z.infer<typeof favouriteBusinessSchema>;
export const businessIdParamsSchema = z.object({ businessId: z.uuid({ message: 'Not a valid id.' }) });
