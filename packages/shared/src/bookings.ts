import { z } from 'zod';
import { calendarDateSchema, dateRangeProblem, daysBetween, instantSchema, isCalendarDate } from './input.js';
import { businessAddressSchema, businessLocationSchema, catalogPageQuerySchema } from './businesses.js';
import { mediaSchema } from './media.js';
import { PAYMENT_STATUSES } from './payments.js';
import { SPECIES } from './pets.js';
import { CANCELLATION_POLICY_NAMES, PRICE_TYPES, SERVICE_TYPES, type ServiceType } from './services.js';

/*
 * Booking states, who moves them, and the request/response schemas of docs/api/bookings.md.
 * The status lists repeat those of `db/bookings.ts` on purpose: this module is loaded by the web app,
 * which must not pull in drizzle (a test keeps the two lists equal).
 */

// ───────────────────────── states and transitions ─────────────────────────

export const BOOKING_STATUSES = ['pending', 'confirmed', 'declined', 'expired', 'in_progress', 'completed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
/** Statuses that hold a worker's time or a day of capacity. */
export const ACTIVE_BOOKING_STATUSES = ['pending', 'confirmed', 'in_progress'] as const satisfies readonly BookingStatus[];

export const BOOKING_ACTIONS = ['confirm', 'decline', 'start', 'complete', 'cancel', 'expire'] as const;
export type BookingAction = (typeof BOOKING_ACTIONS)[number];
/** Who made a change, as stored in `booking_events.actor_role`. */
export const BOOKING_ACTOR_ROLES = ['owner', 'business', 'worker', 'admin', 'system'] as const;
export type BookingActorRole = (typeof BOOKING_ACTOR_ROLES)[number];

export type BookingTransition = { from: readonly BookingStatus[]; to: BookingStatus; by: readonly BookingActorRole[] };

/**
 * The state machine. `by` names roles only: that a worker is the booking's assigned worker, or that
 * the business owner stands in for start/complete only when no worker is assigned, depends on the
 * booking's data and is the API's check.
 */
export const BOOKING_TRANSITIONS: Readonly<Record<BookingAction, BookingTransition>> = {
  confirm: { from: ['pending'], to: 'confirmed', by: ['business', 'worker'] },
  decline: { from: ['pending'], to: 'declined', by: ['business', 'worker'] },
  start: { from: ['confirmed'], to: 'in_progress', by: ['worker', 'business'] },
  complete: { from: ['in_progress'], to: 'completed', by: ['worker', 'business'] },
  cancel: { from: ['pending', 'confirmed'], to: 'cancelled', by: ['owner', 'business', 'admin'] },
  expire: { from: ['pending'], to: 'expired', by: ['system'] },
};

export function transitionAllowed(action: BookingAction, from: BookingStatus, role: BookingActorRole): boolean {
  const t = BOOKING_TRANSITIONS[action];
  return t.from.includes(from) && t.by.includes(role);
}

const STATUS_WORDS: Record<BookingStatus, string> = {
  pending: 'pending',
  confirmed: 'confirmed',
  declined: 'declined',
  expired: 'expired',
  in_progress: 'in-progress',
  completed: 'completed',
  cancelled: 'cancelled',
};
const ACTION_PARTICIPLES: Record<BookingAction, string> = {
  confirm: 'confirmed',
  decline: 'declined',
  start: 'started',
  complete: 'completed',
  cancel: 'cancelled',
  expire: 'expired',
};

/** The 409 message for a move the state machine does not have, e.g. "A confirmed booking cannot be declined." */
export function transitionError(action: BookingAction, from: BookingStatus): string {
  const word = STATUS_WORDS[from];
  const article = /^[aeiou]/.test(word) ? 'An' : 'A';
  return `${article} ${word} booking cannot be ${ACTION_PARTICIPLES[action]}.`;
}

// ───────────────────────── service types ─────────────────────────

export const SLOT_SERVICE_TYPES = ['walking', 'grooming', 'training', 'sitting', 'drop_in'] as const satisfies readonly ServiceType[];
/** Booked by date against the business's daily capacity: boarding by nights, daycare by days. */
export const DAY_SERVICE_TYPES = ['boarding', 'daycare'] as const satisfies readonly ServiceType[];
/** Done at the owner's place (or a place they name), so the point must lie in the service area. */
export const AT_HOME_SERVICE_TYPES = ['walking', 'sitting', 'drop_in'] as const satisfies readonly ServiceType[];

export const BOOKING_KINDS = ['slot', 'day'] as const;
export type BookingKind = (typeof BOOKING_KINDS)[number];
export const LOCATION_KINDS = ['owner_home', 'business', 'custom'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export function bookingKindFor(serviceType: ServiceType): BookingKind {
  return (DAY_SERVICE_TYPES as readonly ServiceType[]).includes(serviceType) ? 'day' : 'slot';
}

/** Where a service of this type may take place. */
export function locationKindsFor(serviceType: ServiceType): LocationKind[] {
  if ((AT_HOME_SERVICE_TYPES as readonly ServiceType[]).includes(serviceType)) return ['owner_home', 'custom'];
  if ((DAY_SERVICE_TYPES as readonly ServiceType[]).includes(serviceType)) return ['business'];
  return ['owner_home', 'business', 'custom'];
}

/** What a day service counts: boarding nights (check-out day not counted), daycare days (inclusive). */
export function dayUnitFor(serviceType: ServiceType): 'night' | 'day' | null {
  if (serviceType === 'boarding') return 'night';
  if (serviceType === 'daycare') return 'day';
  return null;
}

// ───────────────────────── building blocks ─────────────────────────

/** Boarding at most 30 nights, daycare at most 31 days: either way the end is at most 30 days after the start. */
export const MAX_BOOKING_SPAN_DAYS = 30;
export const BOOKING_DURATION_STEP_MINUTES = 15;
export const MIN_BOOKING_DURATION_MINUTES = 15;
export const MAX_BOOKING_DURATION_MINUTES = 720;
export const MAX_BOOKING_PETS = 20;

const uuid = z.uuid({ message: 'Not a valid id.' });
const uniqueIds = (max: number, what: string) =>
  z
    .array(uuid)
    .max(max, `At most ${max} ${what}.`)
    .refine((a) => new Set(a).size === a.length, `Each ${what.replace(/s$/, '')} once.`);
/** Optional free text: trimmed; an empty string means "none". */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();
const reasonSchema = z.string().trim().min(1, 'Give a reason.').max(500, 'At most 500 characters.');

const DAY_MS = 86_400_000;

export const priceLineSchema = z.object({
  code: z.string(),
  label: z.string(),
  quantity: z.number(),
  unitMinor: z.number().int(),
  amountMinor: z.number().int(),
});
export type PriceLine = z.infer<typeof priceLineSchema>;
export const priceBreakdownSchema = z.object({
  currency: z.string(),
  lines: z.array(priceLineSchema),
  subtotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  totalMinor: z.number().int(),
});
export type PriceBreakdown = z.infer<typeof priceBreakdownSchema>;

const point = { lat: businessLocationSchema.shape.lat, lng: businessLocationSchema.shape.lng };
/** Where the service happens. At-home kinds carry the point checked against the service area. */
export const bookingLocationSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('owner_home'), ...point, address: businessAddressSchema.nullable().optional() }),
    z.object({ kind: z.literal('custom'), ...point, address: businessAddressSchema.nullable().optional() }),
    z.object({ kind: z.literal('business') }),
  ],
  { message: 'Choose where: owner_home, custom or business.' },
);
export type BookingLocationInput = z.infer<typeof bookingLocationSchema>;

// ───────────────────────── create, update ─────────────────────────

/** The fields of a booking request; a series request reuses them (recurrence.ts). */
export const bookingBodyShape = {
  serviceId: uuid,
  petIds: uniqueIds(MAX_BOOKING_PETS, 'pets').min(1, 'Choose at least one pet.'),
  startsAt: instantSchema.optional(),
  /** per_hour services only; the service's duration when left out. */
  durationMinutes: z
    .number()
    .int('Whole minutes.')
    .min(MIN_BOOKING_DURATION_MINUTES, `At least ${MIN_BOOKING_DURATION_MINUTES} minutes.`)
    .max(MAX_BOOKING_DURATION_MINUTES, `At most ${MAX_BOOKING_DURATION_MINUTES / 60} hours.`)
    .multipleOf(BOOKING_DURATION_STEP_MINUTES, `Use steps of ${BOOKING_DURATION_STEP_MINUTES} minutes.`)
    .optional(),
  startDate: calendarDateSchema.optional(),
  endDate: calendarDateSchema.optional(),
  /** Else the first free worker. */
  workerId: uuid.optional(),
  location: bookingLocationSchema,
  notes: optionalText(2000),
  specialInstructions: optionalText(2000),
};

type Times = { startsAt?: string | undefined; durationMinutes?: number | undefined; startDate?: string | undefined; endDate?: string | undefined };

/**
 * What can be said about the times without the service: a slot (startsAt) or a date range, never
 * both; a duration belongs to a slot; the range is ordered and not too long. `complete` requires one of
 * the two forms (create); an update may send parts and is merged with the booking by the API.
 */
function checkTimes(v: Times, ctx: z.RefinementCtx, complete: boolean) {
  const hasDates = v.startDate !== undefined || v.endDate !== undefined;
  if (v.startsAt !== undefined && hasDates)
    ctx.addIssue({
      code: 'custom',
      path: [v.startDate !== undefined ? 'startDate' : 'endDate'],
      message: 'Give either startsAt (a time slot) or startDate and endDate (boarding, daycare), not both.',
    });
  if (complete && v.startsAt === undefined && !hasDates)
    ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'Give startsAt for a time slot, or startDate and endDate for boarding or daycare.' });
  if (complete && hasDates && v.startDate === undefined)
    ctx.addIssue({ code: 'custom', path: ['startDate'], message: 'Give the start date as well as the end date.' });
  if (complete && hasDates && v.endDate === undefined)
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'Give the end date as well as the start date.' });
  if (v.durationMinutes !== undefined && hasDates)
    ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: 'A duration is only for time-slot bookings.' });
  if (v.startDate !== undefined && v.endDate !== undefined && isCalendarDate(v.startDate) && isCalendarDate(v.endDate)) {
    const days = daysBetween(v.startDate, v.endDate);
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'The end date cannot be before the start date.' });
    else if (days > MAX_BOOKING_SPAN_DAYS)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'A booking can span at most 30 nights (31 days of daycare).' });
  }
}

export const createBookingBodySchema = z.object(bookingBodyShape).superRefine((v, ctx) => checkTimes(v, ctx, true));
export type CreateBookingBody = z.input<typeof createBookingBodySchema>;
export type CreateBookingInput = z.output<typeof createBookingBodySchema>;

const { serviceId: _serviceId, ...editableFields } = bookingBodyShape;
/** Owners change a pending booking; business owners only assign a worker (`{ workerId }`). */
export const updateBookingBodySchema = z
  .object({ ...editableFields, petIds: editableFields.petIds.optional(), location: editableFields.location.optional() })
  .superRefine((v, ctx) => {
    if (!Object.values(v).some((x) => x !== undefined)) ctx.addIssue({ code: 'custom', path: [], message: 'Send at least one field to change.' });
    checkTimes(v, ctx, false);
  });
export type UpdateBookingBody = z.input<typeof updateBookingBodySchema>;
export type UpdateBookingInput = z.output<typeof updateBookingBodySchema>;

// ───────────────────────── transitions ─────────────────────────

/** `refundPercent` is the admin's override; the API refuses it from anyone else. */
export const cancelBookingBodySchema = z.object({
  reason: reasonSchema,
  refundPercent: z.number().int('A whole percentage.').min(0, 'Between 0 and 100.').max(100, 'Between 0 and 100.').optional(),
});
export type CancelBookingBody = z.infer<typeof cancelBookingBodySchema>;
export const declineBookingBodySchema = z.object({ reason: optionalText(500) });
export type DeclineBookingBody = z.infer<typeof declineBookingBodySchema>;
export const MAX_COMPLETION_PHOTOS = 10;
export const completeBookingBodySchema = z.object({
  notes: optionalText(2000),
  photoIds: uniqueIds(MAX_COMPLETION_PHOTOS, 'photos').optional(),
});
export type CompleteBookingBody = z.infer<typeof completeBookingBodySchema>;

export const bookingIdParamsSchema = z.object({ id: uuid });

/**
 * A booking number: WD- and two groups of four of Crockford's base32 (no I, L, O or U, so a number
 * read out over the phone is not misheard). The API draws them; people type them back to find a booking.
 */
export const BOOKING_NUMBER_PATTERN = /^WD-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
/** A number as someone types it: surrounding spaces and the letters' case do not matter. */
export const bookingNumberSchema = z.string().trim().toUpperCase().regex(BOOKING_NUMBER_PATTERN, 'A booking number looks like WD-7K3M-9Q2P.');

// ───────────────────────── lists ─────────────────────────

/** `?status=pending,confirmed` (or the parameter repeated) → a list of statuses. */
const statusListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(BOOKING_STATUSES, { message: `Statuses are: ${BOOKING_STATUSES.join(', ')}.` })).min(1, 'Give at least one status.'));
const dateOrInstant = z.union([calendarDateSchema, instantSchema], { message: 'Use a date like 2025-12-24 or an ISO 8601 date-time.' });

/** A bookings list asks for at most this many days at once (a calendar's year). */
export const MAX_BOOKING_LIST_DAYS = 366;
export const listBookingsQuerySchema = catalogPageQuerySchema
  .extend({
    status: statusListSchema.optional(),
    from: dateOrInstant.optional(),
    to: dateOrInstant.optional(),
    role: z.enum(['owner', 'business', 'worker']).optional(),
    businessId: uuid.optional(),
    ownerId: uuid.optional(),
    /** Exactly this booking, among those the other filters let through. */
    number: bookingNumberSchema.optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .superRefine((v, ctx) => {
    if (v.from === undefined || v.to === undefined) return;
    // The range as instants, a date standing for its whole day (in UTC: the business's zone moves it by hours at most).
    const isDate = (x: string) => x.length === 10;
    const from = Date.parse(isDate(v.from) ? `${v.from}T00:00:00Z` : v.from);
    const to = Date.parse(isDate(v.to) ? `${v.to}T00:00:00Z` : v.to) + (isDate(v.to) ? DAY_MS : 0);
    // Compared only when both are of the same form: a date's instant depends on the business's time zone.
    if (isDate(v.from) === isDate(v.to) && Date.parse(v.to) < Date.parse(v.from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: "'to' cannot be before 'from'." });
    else if (to - from > MAX_BOOKING_LIST_DAYS * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `Ask for at most ${MAX_BOOKING_LIST_DAYS} days at once.` });
  });
export type ListBookingsQuery = z.output<typeof listBookingsQuerySchema>;

// ───────────────────────── responses ─────────────────────────

const nullableString = z.string().nullable();
/** Stored addresses may lack keys, so every part is optional as well as nullable. */
const addressResponseSchema = z.object({
  street: nullableString.optional(),
  city: nullableString.optional(),
  region: nullableString.optional(),
  postalCode: nullableString.optional(),
  country: nullableString.optional(),
});

export const BOOKING_CALLER_ACTIONS = ['confirm', 'decline', 'start', 'complete', 'cancel', 'edit', 'pay', 'tip'] as const;
export type BookingCallerAction = (typeof BOOKING_CALLER_ACTIONS)[number];

export const bookingEventSchema = z.object({
  fromStatus: z.enum(BOOKING_STATUSES).nullable(),
  toStatus: z.enum(BOOKING_STATUSES),
  actorRole: z.enum(BOOKING_ACTOR_ROLES),
  reason: nullableString,
  at: z.string(),
});
export type BookingEvent = z.infer<typeof bookingEventSchema>;

export const bookingPaymentSummarySchema = z.object({
  id: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  amountMinor: z.number().int(),
  refundedMinor: z.number().int(),
  currency: z.string(),
});

export const bookingSchema = z.object({
  id: z.string(),
  /** WD-XXXX-XXXX */
  number: z.string(),
  status: z.enum(BOOKING_STATUSES),
  kind: z.enum(BOOKING_KINDS),
  service: z.object({ id: z.string(), name: z.string(), type: z.enum(SERVICE_TYPES), priceType: z.enum(PRICE_TYPES) }),
  /** `address`: where at-business services happen. */
  business: z.object({ id: z.string(), name: z.string(), timeZone: z.string(), address: addressResponseSchema.nullable() }),
  /** `photoUrl`: the worker's profile photo, else their own picture. */
  worker: z.object({ id: z.string(), name: z.string(), photoUrl: nullableString }).nullable(),
  owner: z.object({ id: z.string(), name: z.string(), avatarUrl: nullableString }),
  pets: z.array(z.object({ id: z.string(), name: z.string(), species: z.enum(SPECIES), photoUrl: nullableString })),
  startsAt: z.string(),
  endsAt: z.string(),
  startDate: nullableString,
  endDate: nullableString,
  durationMinutes: z.number().int(),
  petCount: z.number().int(),
  location: z.object({
    kind: z.enum(LOCATION_KINDS),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    address: addressResponseSchema.nullable(),
  }),
  notes: nullableString,
  specialInstructions: nullableString,
  price: priceBreakdownSchema,
  cancellationPolicy: z.enum(CANCELLATION_POLICY_NAMES),
  payment: bookingPaymentSummarySchema.nullable(),
  seriesId: nullableString,
  expiresAt: nullableString,
  confirmedAt: nullableString,
  declinedAt: nullableString,
  declineReason: nullableString,
  startedAt: nullableString,
  completedAt: nullableString,
  completionNotes: nullableString,
  completionPhotos: z.array(mediaSchema),
  cancelledAt: nullableString,
  /** The user who cancelled. */
  cancelledBy: nullableString,
  cancellationReason: nullableString,
  /** On GET /bookings/:id only; [] in lists. */
  events: z.array(bookingEventSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** What the caller may do now. */
  actions: z.array(z.enum(BOOKING_CALLER_ACTIONS)),
});
export type Booking = z.infer<typeof bookingSchema>;

export const cancellationPreviewSchema = z.object({
  policy: z.enum(CANCELLATION_POLICY_NAMES),
  hoursBeforeStart: z.number(),
  refundPercent: z.number().int(),
  refundMinor: z.number().int(),
  currency: z.string(),
  paidMinor: z.number().int(),
  description: z.string(),
});
export type CancellationPreview = z.infer<typeof cancellationPreviewSchema>;

// ───────────────────────── availability ─────────────────────────

/** Days asked for at once, `to` included. */
export const AVAILABILITY_MAX_DAYS = 31;
/** Slots start on this local boundary. */
export const SLOT_STEP_MINUTES = 15;
/**
 * Workers × days one availability answer covers at most (100 workers for 31 days): a larger team asks
 * for fewer days at once or names a `workerId`. With at most 100 distinct starts a local day (96, plus
 * the repeated hour of a fall-back day), an answer lists at most 31 × 100 starts and, over them, at most
 * this × 100 worker indices.
 */
export const AVAILABILITY_MAX_WORKER_DAYS = 3100;

export const availabilityQuerySchema = z
  .object({
    from: calendarDateSchema,
    to: calendarDateSchema,
    pets: z.coerce.number().int('A whole number of pets.').min(1, 'At least 1 pet.').max(MAX_BOOKING_PETS, `At most ${MAX_BOOKING_PETS} pets.`).default(1),
    /** The pending booking its owner is changing: its own hold is ignored, so its time is offered again. */
    excludeBookingId: uuid.optional(),
    /** Only this worker's slots (time-slot services). */
    workerId: uuid.optional(),
  })
  .superRefine((v, ctx) => {
    const problem = dateRangeProblem(v.from, v.to, AVAILABILITY_MAX_DAYS);
    if (problem) ctx.addIssue({ code: 'custom', ...problem });
  });
export type AvailabilityQuery = z.output<typeof availabilityQuerySchema>;

/** A start offered by at least one worker: `workers` are indexes into the answer's `workers`, ascending. */
export const slotSchema = z.object({ startsAt: z.string(), endsAt: z.string(), workers: z.array(z.number().int()) });
export type AvailableSlot = z.infer<typeof slotSchema>;
export const slotAvailabilitySchema = z.object({
  kind: z.literal('slot'),
  timeZone: z.string(),
  durationMinutes: z.number().int(),
  stepMinutes: z.literal(SLOT_STEP_MINUTES),
  /** The workers who perform the service (only `workerId` when it was named), whether free or not. */
  workers: z.array(z.object({ workerId: z.string(), name: z.string(), photoUrl: nullableString })),
  /** Each start any of them can take, once, in time order. */
  slots: z.array(slotSchema),
});
export type SlotAvailability = z.infer<typeof slotAvailabilitySchema>;
export const dayAvailabilitySchema = z.object({
  kind: z.literal('day'),
  timeZone: z.string(),
  unit: z.enum(['night', 'day']),
  capacity: z.number().int(),
  days: z.array(z.object({ date: z.string(), open: z.boolean(), remaining: z.number().int() })),
});
export type DayAvailability = z.infer<typeof dayAvailabilitySchema>;
export const availabilityResponseSchema = z.discriminatedUnion('kind', [slotAvailabilitySchema, dayAvailabilitySchema]);
export type Availability = z.infer<typeof availabilityResponseSchema>;

// ───────────────────────── calendars ─────────────────────────

export const CALENDAR_FEED_KINDS = ['owner', 'worker', 'business'] as const;
export type CalendarFeedKind = (typeof CALENDAR_FEED_KINDS)[number];
export const calendarFeedSchema = z.object({ kind: z.enum(CALENDAR_FEED_KINDS), subjectId: z.string(), url: z.string() });
export type CalendarFeed = z.infer<typeof calendarFeedSchema>;
export const regenerateCalendarBodySchema = z.object({ kind: z.enum(CALENDAR_FEED_KINDS), subjectId: uuid });
export type RegenerateCalendarBody = z.infer<typeof regenerateCalendarBodySchema>;
