import { z } from 'zod';
import { instantSchema } from './input.js';

/*
 * Live walks: worker presence and location updates, a booking's track, walk events, the ETA and the
 * walk report (docs/api/live.md). Shared by the API (validation) and the web app (types, the worker
 * app's offline buffer).
 */

/** A device may run a little ahead of the server's clock; more than this is "in the future". */
export const LOCATION_CLOCK_SKEW_MS = 5_000;
/** An online worker who sends nothing for this long drops out of the live index. */
export const PRESENCE_TTL_SECONDS = 5 * 60;
/** At most one accepted live update per worker in each window of this many milliseconds (each second of the clock). */
export const LOCATION_MIN_INTERVAL_MS = 1_000;
/** Points implying a faster move than this (m/s, ~180 km/h) are jumps: dropped and counted. */
export const MAX_PLAUSIBLE_SPEED_MPS = 50;
/** Two consecutive accepted points further apart in time than this start a new segment (a gap). */
export const TRACK_GAP_SECONDS = 60;
/** Owners see other people's workers on a grid of about this many metres, without identity. */
export const APPROXIMATE_POSITION_METERS = 200;
export const TRACK_BATCH_MAX = 500;
/**
 * A booking's track keeps at most this many points: 13.9 hours at the live rate of one a second, more
 * than the longest walk (12 hours). Offline uploads beyond it are refused; reads never take more, so
 * the tracking view and the walk report cost the same whatever a device sent.
 */
export const MAX_TRACK_POINTS = 50_000;
/**
 * The tracking view and the walk report draw a track with at most this many points (thinned from the
 * stored ones, docs/api/live.md); distance and counts are measured on the full track.
 */
export const TRACK_VIEW_MAX_POINTS = 5_000;

export const lngSchema = z.number().min(-180, 'Longitude is between -180 and 180.').max(180, 'Longitude is between -180 and 180.');
export const latSchema = z.number().min(-90, 'Latitude is between -90 and 90.').max(90, 'Latitude is between -90 and 90.');

/** One position from a worker's device. `recordedAt` is the device's time of the fix (not in the future). */
export const locationPointSchema = z.object({
  lng: lngSchema,
  lat: latSchema,
  /** Radius of 68 % confidence, metres (the browser's `coords.accuracy`). */
  accuracyM: z.number().min(0).max(10_000),
  recordedAt: instantSchema,
  speedMps: z.number().min(0).max(200).nullable().optional(),
  heading: z.number().min(0).max(360).nullable().optional(),
});
export type LocationPoint = z.infer<typeof locationPointSchema>;

/** `PUT /v1/workers/:id/location` and the socket event `location:update`. */
export const locationUpdateSchema = locationPointSchema.extend({
  /** The worker app's sequence number for the booking in progress (dedupes a resent point). */
  seq: z.number().int().min(0).max(2_147_483_647).optional(),
});
export type LocationUpdate = z.infer<typeof locationUpdateSchema>;

/** `POST /v1/workers/:id/online`: optionally with a first position. */
export const goOnlineSchema = z.object({ location: locationPointSchema.optional() }).default({});

/** `POST /v1/bookings/:id/tracking/points`: what the worker app buffered while offline. */
export const trackBatchSchema = z.object({
  points: z
    .array(locationPointSchema.extend({ seq: z.number().int().min(0).max(2_147_483_647) }))
    .min(1)
    .max(TRACK_BATCH_MAX),
});
export type TrackBatch = z.infer<typeof trackBatchSchema>;
export const trackBatchResultSchema = z.object({
  /** Points stored now. */
  accepted: z.number().int(),
  /** Points already stored (same seq or same time), ignored. */
  duplicates: z.number().int(),
  /** Points that imply an impossible speed, dropped. */
  jumps: z.number().int(),
  /** Points outside the walk (before start, after completion), ignored. */
  outside: z.number().int(),
});
export type TrackBatchResult = z.infer<typeof trackBatchResultSchema>;

export const WALK_EVENT_KINDS = ['pee', 'poo', 'water', 'food', 'photo', 'note'] as const;
export type WalkEventKind = (typeof WALK_EVENT_KINDS)[number];

/** `POST /v1/bookings/:id/walk-events`. `clientId` makes a resent event (offline buffer) count once. */
export const walkEventInputSchema = z
  .object({
    kind: z.enum(WALK_EVENT_KINDS),
    at: instantSchema,
    lng: lngSchema.optional(),
    lat: latSchema.optional(),
    note: z.string().trim().min(1).max(2000).optional(),
    mediaId: z.uuid().optional(),
    clientId: z.string().min(1).max(64).optional(),
  })
  .refine((e) => (e.lng === undefined) === (e.lat === undefined), { message: 'Give both lng and lat, or neither.', path: ['lat'] })
  .refine((e) => e.kind !== 'photo' || e.mediaId, { message: 'A photo event needs the uploaded photo (mediaId).', path: ['mediaId'] })
  .refine((e) => e.kind !== 'note' || e.note, { message: 'A note event needs its text.', path: ['note'] });
export type WalkEventInput = z.infer<typeof walkEventInputSchema>;

export const walkEventSchema = z.object({
  id: z.uuid(),
  kind: z.enum(WALK_EVENT_KINDS),
  at: z.string(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  note: z.string().nullable(),
  /** A signed link to the photo (photo events). */
  photoUrl: z.string().nullable(),
  mediaId: z.uuid().nullable(),
});
export type WalkEvent = z.infer<typeof walkEventSchema>;

export const trackPointSchema = z.object({ lng: z.number(), lat: z.number(), at: z.string(), accuracyM: z.number().nullable() });
export type TrackPoint = z.infer<typeof trackPointSchema>;

export const etaSchema = z.object({
  /** Straight-line distance from the worker's latest position to the booking's location. */
  distanceMeters: z.number().int(),
  etaSeconds: z.number().int(),
  /** The speed used: the worker's recent average, or a default when too little is known. */
  speedMps: z.number(),
  basis: z.enum(['recent_speed', 'default_speed']),
  at: z.string(),
});
export type Eta = z.infer<typeof etaSchema>;

export const trackStatsSchema = z.object({
  points: z.number().int(),
  duplicates: z.number().int(),
  jumps: z.number().int(),
  distanceMeters: z.number().int(),
  durationSeconds: z.number().int(),
});

/** `GET /v1/bookings/:id/tracking`: everything a page opened mid-walk needs. */
export const trackingViewSchema = z.object({
  bookingId: z.uuid(),
  status: z.string(),
  /** True while the walk is in progress: live updates arrive in the booking's room. */
  live: z.boolean(),
  onTheWayAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  worker: z.object({ id: z.uuid(), firstName: z.string(), photoUrl: z.string().nullable() }).nullable(),
  /** The booking's location (pickup / service address), when it has one. */
  destination: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  /** The route so far, split at gaps: each segment is drawn as its own line. */
  segments: z.array(z.array(trackPointSchema)),
  lastPoint: trackPointSchema.nullable(),
  eta: etaSchema.nullable(),
  events: z.array(walkEventSchema),
  stats: trackStatsSchema,
});
export type TrackingView = z.infer<typeof trackingViewSchema>;

/** `GET /v1/bookings/:id/report`: the walk report, made at completion (and remade if late points arrive). */
export const walkReportSchema = z.object({
  bookingId: z.uuid(),
  number: z.string(),
  serviceName: z.string(),
  petNames: z.array(z.string()),
  worker: z.object({ id: z.uuid(), firstName: z.string(), photoUrl: z.string().nullable() }).nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  durationSeconds: z.number().int(),
  distanceMeters: z.number().int(),
  /** GeoJSON MultiLineString coordinates: one line per segment. */
  route: z.array(z.array(z.tuple([z.number(), z.number()]))),
  events: z.array(walkEventSchema),
  counts: z.record(z.enum(WALK_EVENT_KINDS), z.number().int()),
  photos: z.array(z.object({ mediaId: z.uuid(), url: z.string() })),
  notes: z.string().nullable(),
  stats: trackStatsSchema,
});
export type WalkReport = z.infer<typeof walkReportSchema>;

/** `GET /v1/locations/workers`. */
export const nearbyWorkersQuerySchema = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  /** Metres, up to 50 km. */
  radius: z.coerce.number().min(1).max(50_000).default(5_000),
  serviceType: z.enum(['walking', 'boarding', 'daycare', 'grooming', 'training', 'sitting']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /**
   * `true`: the caller's own team only (the businesses they own), including workers on a walk — the
   * managers' live map. Otherwise: workers available for a booking, of every business.
   */
  team: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type NearbyWorkersQuery = z.infer<typeof nearbyWorkersQuerySchema>;

export const nearbyWorkerSchema = z.object({
  /** Exact position for the business's managers (and admins); else rounded to ~200 m. */
  lng: z.number(),
  lat: z.number(),
  approximate: z.boolean(),
  distanceMeters: z.number().int(),
  businessId: z.uuid(),
  businessName: z.string(),
  /** On a walk in progress (only in the team view: others see available workers only). */
  onWalk: z.boolean(),
  /** Only for the worker's own business's managers (and admins); null for everybody else. */
  worker: z.object({ id: z.uuid(), firstName: z.string(), lastName: z.string() }).nullable(),
  seenAt: z.string(),
});
export type NearbyWorker = z.infer<typeof nearbyWorkerSchema>;

/** Great-circle distance in metres (WGS84 mean radius). */
export function haversineMeters(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const R = 6_371_008.8;
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
