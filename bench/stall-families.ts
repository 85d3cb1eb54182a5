/**
 * The requests of the stall benchmark: for each route family, its most expensive valid request
 * against the seeded world (stall-seed.ts): the widest range, the largest limit, the biggest subject.
 * `build(run)` makes the request of one run (runs that write use a new day or new points each time,
 * so that every run is the same valid request, not a conflict or a duplicate).
 */
import {
  AVAILABILITY_MAX_DAYS,
  MAX_BOOKING_LIST_DAYS,
  MAX_BOOKING_PETS,
  MAX_EARNINGS_DAYS,
  MAX_SERIES_OCCURRENCES,
  MAX_TRACK_POINTS,
  SEARCH_MAX_RADIUS_KM,
  TRACK_BATCH_MAX,
} from '@walkydoggy/shared';
import { firstInstantAt, MINUTE_MS, wallOfDate, weekdayOf, zoneOf } from '../apps/api/src/modules/availability/local-time.js';
import type { RawPoint } from '../apps/api/src/modules/tracking/track.js';
import { addDays, CENTRE, HOME, longText, TIME_ZONE, type StallWorld } from './stall-seed.js';

export type BenchRequest = { method: 'GET' | 'POST'; path: string; token?: string; json?: unknown; form?: FormData };
export type Family = {
  family: string;
  /** What is asked, for the table. */
  label: string;
  build(run: number): BenchRequest;
  /** Run before each request, outside the measurement (e.g. presence must be fresh). */
  before?(): Promise<void>;
  /** A 2xx that is not the request asked for (points refused, say): why, or null. */
  check?(body: unknown): string | null;
};

/** What the families need besides the world: a calendar feed path, the image, fresh presence, the walk's report made again. */
export type FamilyContext = {
  world: StallWorld;
  feedPath: string;
  image: Buffer;
  refreshPresence(): Promise<void>;
  rebuildReport(): Promise<void>;
  /** Changes one of the business's bookings, so its feed is rendered again rather than served from the cache. */
  touchFeedBooking(): Promise<void>;
};

/** The instant of a local wall time in the business's zone, as ISO. */
const localInstant = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(firstInstantAt(zoneOf(TIME_ZONE), wallOfDate(date) + (h * 60 + m) * MINUTE_MS)).toISOString();
};

/**
 * `TRACK_BATCH_MAX` points the walk's stored track lacks: each halfway in time and place between two
 * stored neighbours (so none is a jump or a duplicate), a block of its own per run, new sequence numbers.
 */
function latePoints(stored: RawPoint[], run: number) {
  const first = 1000 + run * TRACK_BATCH_MAX;
  return Array.from({ length: TRACK_BATCH_MAX }, (_, i) => {
    const a = stored[first + i]!;
    const b = stored[first + i + 1]!;
    return {
      lng: (a.lng + b.lng) / 2,
      lat: (a.lat + b.lat) / 2,
      accuracyM: 6,
      recordedAt: new Date(Math.floor((a.t + b.t) / 2)).toISOString(),
      speedMps: 1.3,
      seq: stored.length + run * TRACK_BATCH_MAX + i,
    };
  });
}

export function families(ctx: FamilyContext): Family[] {
  const { world } = ctx;
  const { owner, walk } = world;
  const at = `lat=${CENTRE.lat}&lng=${CENTRE.lng}`;
  const yearFrom = addDays(world.today, 1 - MAX_BOOKING_LIST_DAYS);
  const slotBody = { serviceId: world.serviceId, petIds: owner.bookingPetIds, location: { kind: 'owner_home', lat: HOME.lat, lng: HOME.lng } };
  const notes = { notes: longText(2000), specialInstructions: longText(2000) };
  return [
    {
      family: 'search',
      label: `GET /v1/businesses/search, ${SEARCH_MAX_RADIUS_KM} km, by rating, limit 100`,
      build: () => ({ method: 'GET', path: `/v1/businesses/search?${at}&radius=${SEARCH_MAX_RADIUS_KM}&sort=rating&limit=100` }),
    },
    {
      family: 'search',
      label: `GET /v1/services/search, ${SEARCH_MAX_RADIUS_KM} km, by price, limit 100`,
      build: () => ({ method: 'GET', path: `/v1/services/search?${at}&radius=${SEARCH_MAX_RADIUS_KM}&sort=price&limit=100` }),
    },
    {
      family: 'search',
      label: `GET /v1/locations/businesses (map markers), ${SEARCH_MAX_RADIUS_KM} km`,
      build: () => ({ method: 'GET', path: `/v1/locations/businesses?${at}&radius=${SEARCH_MAX_RADIUS_KM}` }),
    },
    {
      family: 'availability',
      label: `GET /v1/services/:id/availability, ${AVAILABILITY_MAX_DAYS} days, ${MAX_BOOKING_PETS} pets, anonymous (50 workers, 24 h)`,
      build: () => ({
        method: 'GET',
        path: `/v1/services/${world.serviceId}/availability?from=${addDays(world.today, 1)}&to=${addDays(world.today, AVAILABILITY_MAX_DAYS)}&pets=${MAX_BOOKING_PETS}`,
      }),
    },
    {
      family: 'booking create',
      label: `POST /v1/bookings, ${MAX_BOOKING_PETS} pets, 4 h, any worker, longest notes`,
      // Between the day's two seeded walks of every worker (10:00 and 16:00, each held 15 minutes either side).
      build: (run) => ({
        method: 'POST',
        path: '/v1/bookings',
        token: owner.token,
        json: { ...slotBody, ...notes, startsAt: localInstant(addDays(world.today, 2 + run), '11:30'), durationMinutes: 240 },
      }),
    },
    {
      family: 'booking series',
      label: `POST /v1/booking-series, weekly × ${MAX_SERIES_OCCURRENCES}, ${MAX_BOOKING_PETS} pets`,
      build: (run) => {
        const first = addDays(world.today, 7 + run);
        return {
          method: 'POST',
          path: '/v1/booking-series',
          token: owner.token,
          json: {
            ...slotBody,
            ...notes,
            startsAt: localInstant(first, '19:00'),
            rule: { byDay: [weekdayOf(first)], interval: 1, count: MAX_SERIES_OCCURRENCES },
          },
        };
      },
    },
    {
      family: 'bookings list',
      label: `GET /v1/bookings as the business, ${MAX_BOOKING_LIST_DAYS} days, limit 100, newest first`,
      build: () => ({ method: 'GET', path: `/v1/bookings?role=business&from=${yearFrom}&to=${world.today}&limit=100&order=desc`, token: world.bossToken }),
    },
    {
      family: 'bookings list',
      label: `GET /v1/bookings as the heavy owner, ${MAX_BOOKING_LIST_DAYS} days, limit 100 (${MAX_BOOKING_PETS} pets each)`,
      build: () => ({ method: 'GET', path: `/v1/bookings?from=${yearFrom}&to=${world.today}&limit=100`, token: owner.token }),
    },
    {
      family: 'earnings',
      label: `GET /v1/businesses/:id/earnings, ${MAX_EARNINGS_DAYS} days`,
      build: () => ({
        method: 'GET',
        path: `/v1/businesses/${world.businessId}/earnings?from=${addDays(world.today, 1 - MAX_EARNINGS_DAYS)}&to=${world.today}`,
        token: world.bossToken,
      }),
    },
    {
      family: 'calendar feed',
      label: "GET /v1/calendars/:token.ics, the business's feed, a booking changed before each (rendered)",
      before: ctx.touchFeedBooking,
      build: () => ({ method: 'GET', path: ctx.feedPath }),
    },
    {
      family: 'calendar feed',
      label: "GET /v1/calendars/:token.ics, the business's feed, unchanged (cached)",
      build: () => ({ method: 'GET', path: ctx.feedPath }),
    },
    {
      family: 'invoice',
      label: 'GET /v1/payments/:id/invoice?format=pdf, 20 pets, 2 refunds',
      build: () => ({ method: 'GET', path: `/v1/payments/${world.invoicePaymentId}/invoice?format=pdf`, token: owner.token }),
    },
    { family: 'payments list', label: 'GET /v1/payments, limit 100', build: () => ({ method: 'GET', path: '/v1/payments?limit=100', token: owner.token }) },
    { family: 'export', label: 'GET /v1/users/me/export, the heavy owner', build: () => ({ method: 'GET', path: '/v1/users/me/export', token: owner.token }) },
    {
      family: 'pets',
      label: 'GET /v1/pets, limit 100, every field at its limit',
      build: () => ({ method: 'GET', path: '/v1/pets?limit=100', token: owner.token }),
    },
    {
      family: 'notifications',
      label: 'GET /v1/notifications, limit 100',
      build: () => ({ method: 'GET', path: '/v1/notifications?limit=100', token: owner.token }),
    },
    {
      // First: its runs fill the track up to MAX_TRACK_POINTS, which the two reads below then serve.
      family: 'tracking',
      label: `POST /v1/bookings/:id/tracking/points, ${TRACK_BATCH_MAX} late points onto ${walk.points.length.toLocaleString('en')}+ (up to ${MAX_TRACK_POINTS.toLocaleString('en')})`,
      build: (run) => ({
        method: 'POST',
        path: `/v1/bookings/${walk.bookingId}/tracking/points`,
        token: walk.workerToken,
        json: { points: latePoints(walk.points, run) },
      }),
      check: (body) => {
        const accepted = (body as { data?: { accepted?: number } }).data?.accepted;
        return accepted === TRACK_BATCH_MAX ? null : `only ${accepted} of ${TRACK_BATCH_MAX} points accepted`;
      },
    },
    {
      family: 'tracking',
      label: `GET /v1/bookings/:id/tracking, ${MAX_TRACK_POINTS.toLocaleString('en')} points (a full track)`,
      build: () => ({ method: 'GET', path: `/v1/bookings/${walk.bookingId}/tracking`, token: owner.token }),
    },
    {
      family: 'tracking',
      label: `GET /v1/bookings/:id/report, ${MAX_TRACK_POINTS.toLocaleString('en')} points`,
      before: ctx.rebuildReport,
      build: () => ({ method: 'GET', path: `/v1/bookings/${walk.bookingId}/report`, token: owner.token }),
    },
    {
      family: 'nearby workers',
      label: 'GET /v1/locations/workers, 50 km, limit 200, walking',
      before: ctx.refreshPresence,
      build: () => ({ method: 'GET', path: `/v1/locations/workers?${at}&radius=50000&limit=200&serviceType=walking`, token: owner.token }),
    },
    {
      family: 'upload',
      label: `POST /v1/media, a ${(ctx.image.length / 1_048_576).toFixed(1)} MB JPEG of 40 MP, pet photo`,
      build: () => {
        const form = new FormData();
        form.set('purpose', 'pet_photo');
        form.set('file', new Blob([new Uint8Array(ctx.image)], { type: 'image/jpeg' }), 'biscuit.jpg');
        return { method: 'POST', path: '/v1/media', token: owner.token, form };
      },
    },
    {
      family: 'sign-in',
      label: 'POST /v1/auth/login (argon2id at the production cost)',
      build: () => ({ method: 'POST', path: '/v1/auth/login', json: { email: owner.email, password: owner.password } }),
    },
  ];
}
