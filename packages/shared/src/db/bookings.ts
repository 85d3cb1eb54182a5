import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, geographyPoint, tstz } from './columns.js';
import { users } from './accounts.js';
import { businesses, media, pets, services, workers, type Address } from './catalog.js';

/*
 * Bookings and payments. The rule that a worker is never booked twice is the exclusion constraint
 * `bookings_worker_no_overlap` (migration 0004_booking_constraints): drizzle cannot express it.
 */

export const BOOKING_STATUSES = ['pending', 'confirmed', 'declined', 'expired', 'in_progress', 'completed', 'cancelled'] as const;
/** Statuses that hold a worker's time or a day of capacity. */
export const ACTIVE_BOOKING_STATUSES = ['pending', 'confirmed', 'in_progress'] as const;

/** A price line in minor units; `amountMinor` is negative for discounts. */
export type PriceLine = { code: string; label: string; quantity: number; unitMinor: number; amountMinor: number };
export type PriceBreakdown = { currency: string; lines: PriceLine[]; subtotalMinor: number; discountMinor: number; totalMinor: number };
/** The weekly rule of a series (an RRULE subset): FREQ=WEEKLY;INTERVAL;BYDAY;UNTIL|COUNT. */
export type WeeklyRule = { byDay: number[]; interval: number; until?: string | null; count?: number | null };

export const bookingSeries = pgTable(
  'booking_series',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    workerId: uuid('worker_id').references(() => workers.id),
    rule: jsonb('rule').$type<WeeklyRule>().notNull(),
    /** Local wall-clock start "HH:MM" of every occurrence, in `timeZone` (the business's). */
    localStartTime: text('local_start_time').notNull(),
    timeZone: text('time_zone').notNull(),
    firstDate: date('first_date', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['active', 'cancelled'] })
      .notNull()
      .default('active'),
    createdAt: createdAt(),
    cancelledAt: tstz('cancelled_at'),
  },
  (t) => [index('booking_series_owner_idx').on(t.ownerId)],
);

export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Human-readable and unique, e.g. WD-7K3M-9Q2P. */
    number: text('number').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    /** The assigned worker; null for day services (boarding, daycare) unless the business assigns one. */
    workerId: uuid('worker_id').references(() => workers.id),
    seriesId: uuid('series_id').references(() => bookingSeries.id),
    /** `slot`: a worker's time slot; `day`: boarding/daycare counted against the business's daily capacity. */
    kind: text('kind', { enum: ['slot', 'day'] }).notNull(),
    status: text('status', { enum: BOOKING_STATUSES }).notNull().default('pending'),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    /** End of the time the worker is held: `ends_at` plus the business's travel buffer (slot bookings). */
    blockedUntil: tstz('blocked_until').notNull(),
    /** Day bookings: the dates occupied, [start_date, end_date) in the business's time zone. */
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    durationMinutes: integer('duration_minutes').notNull(),
    petCount: integer('pet_count').notNull(),
    locationKind: text('location_kind', { enum: ['owner_home', 'business', 'custom'] }).notNull(),
    location: geographyPoint('location'),
    address: jsonb('address').$type<Address | null>(),
    notes: text('notes'),
    specialInstructions: text('special_instructions'),
    price: jsonb('price').$type<PriceBreakdown>().notNull(),
    totalMinor: integer('total_minor').notNull(),
    currency: text('currency').notNull(),
    /** The service's cancellation policy when the booking was made. */
    cancellationPolicy: text('cancellation_policy', { enum: ['flexible', 'moderate', 'strict'] }).notNull(),
    /** A pending booking expires at this time unless the business answers. */
    expiresAt: tstz('expires_at'),
    confirmedAt: tstz('confirmed_at'),
    declinedAt: tstz('declined_at'),
    declineReason: text('decline_reason'),
    startedAt: tstz('started_at'),
    completedAt: tstz('completed_at'),
    completionNotes: text('completion_notes'),
    cancelledAt: tstz('cancelled_at'),
    cancelledBy: uuid('cancelled_by').references(() => users.id),
    cancellationReason: text('cancellation_reason'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('bookings_number_key').on(t.number),
    index('bookings_owner_idx').on(t.ownerId, t.startsAt),
    index('bookings_business_idx').on(t.businessId, t.startsAt),
    index('bookings_worker_idx').on(t.workerId, t.startsAt),
    index('bookings_series_idx').on(t.seriesId),
    index('bookings_pending_expiry_idx')
      .on(t.expiresAt)
      .where(sql`status = 'pending'`),
    check('bookings_period_check', sql`${t.endsAt} > ${t.startsAt} and ${t.blockedUntil} >= ${t.endsAt}`),
    check('bookings_total_check', sql`${t.totalMinor} >= 0`),
    check('bookings_pet_count_check', sql`${t.petCount} between 1 and 20`),
    check('bookings_status_check', sql`${t.status} in ('pending', 'confirmed', 'declined', 'expired', 'in_progress', 'completed', 'cancelled')`),
  ],
);

export const bookingPets = pgTable(
  'booking_pets',
  {
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    petId: uuid('pet_id')
      .notNull()
      .references(() => pets.id),
  },
  (t) => [primaryKey({ columns: [t.bookingId, t.petId] }), index('booking_pets_pet_idx').on(t.petId)],
);

/** Photos a worker attaches when completing a booking (proof of service). */
export const bookingPhotos = pgTable(
  'booking_photos',
  {
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.bookingId, t.mediaId] })],
);

/** Every status change: who (null = the system), in which role, when, why. */
export const bookingEvents = pgTable(
  'booking_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    reason: text('reason'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [index('booking_events_booking_idx').on(t.bookingId, t.at)],
);

/**
 * `Idempotency-Key` of a creating request: the first result is stored with a hash of the body, so a
 * retry gets the same answer and a different body under the same key is refused.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scope, t.key] })],
);

/** A secret iCal feed URL of a worker, a business or a pet owner; regenerating revokes the old one. */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectKind: text('subject_kind', { enum: ['worker', 'business', 'owner'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The token, sealed with the server's secret box so its owner can see the URL again. */
    tokenSealed: text('token_sealed').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    uniqueIndex('calendar_feeds_token_key').on(t.tokenHash),
    uniqueIndex('calendar_feeds_active_subject_key')
      .on(t.subjectKind, t.subjectId)
      .where(sql`revoked_at is null`),
  ],
);

// ───────────────────────── payments ─────────────────────────

export const PAYMENT_STATUSES = ['pending', 'authorized', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded'] as const;

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id),
    payerId: uuid('payer_id')
      .notNull()
      .references(() => users.id),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id),
    /** `booking`: the booking's price, authorised then captured; `tip`: after completion, all to the business. */
    kind: text('kind', { enum: ['booking', 'tip'] }).notNull(),
    provider: text('provider', { enum: ['stripe', 'simulated'] }).notNull(),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull().default('pending'),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    platformFeeMinor: integer('platform_fee_minor').notNull(),
    businessPayoutMinor: integer('business_payout_minor').notNull(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    feeRefundedMinor: integer('fee_refunded_minor').notNull().default(0),
    providerIntentId: text('provider_intent_id'),
    providerChargeId: text('provider_charge_id'),
    /** The connected account paid out (Stripe Connect destination). */
    destinationAccount: text('destination_account'),
    failureReason: text('failure_reason'),
    authorizedAt: tstz('authorized_at'),
    paidAt: tstz('paid_at'),
    cancelledAt: tstz('cancelled_at'),
    refundedAt: tstz('refunded_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('payments_provider_intent_key').on(t.providerIntentId),
    index('payments_booking_idx').on(t.bookingId),
    index('payments_payer_idx').on(t.payerId, t.createdAt),
    index('payments_business_idx').on(t.businessId, t.createdAt),
    // One live payment of a booking's price at a time.
    uniqueIndex('payments_live_booking_key')
      .on(t.bookingId)
      .where(sql`kind = 'booking' and status not in ('failed', 'cancelled')`),
    check(
      'payments_split_check',
      sql`${t.amountMinor} > 0 and ${t.platformFeeMinor} >= 0 and ${t.platformFeeMinor} + ${t.businessPayoutMinor} = ${t.amountMinor}`,
    ),
    check('payments_refund_check', sql`${t.refundedMinor} between 0 and ${t.amountMinor} and ${t.feeRefundedMinor} between 0 and ${t.platformFeeMinor}`),
  ],
);

export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    amountMinor: integer('amount_minor').notNull(),
    /** The part of the platform fee given back (in proportion to the refund). */
    feeRefundMinor: integer('fee_refund_minor').notNull(),
    reason: text('reason').notNull(),
    /** The refund policy's percentage, or null when an admin set the amount (an override). */
    policyPercent: integer('policy_percent'),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    providerRefundId: text('provider_refund_id'),
    requestedBy: uuid('requested_by').references(() => users.id),
    createdAt: createdAt(),
    completedAt: tstz('completed_at'),
  },
  (t) => [
    index('refunds_payment_idx').on(t.paymentId),
    uniqueIndex('refunds_provider_key').on(t.providerRefundId),
    check('refunds_amount_check', sql`${t.amountMinor} > 0 and ${t.feeRefundMinor} >= 0 and ${t.feeRefundMinor} <= ${t.amountMinor}`),
  ],
);

/** Provider webhook events by their id: stored once, processed once. */
export const paymentEvents = pgTable('payment_events', {
  id: text('id').primaryKey(),
  provider: text('provider', { enum: ['stripe', 'simulated'] }).notNull(),
  type: text('type').notNull(),
  payload: jsonb('payload').notNull(),
  receivedAt: tstz('received_at').notNull().defaultNow(),
  processedAt: tstz('processed_at'),
});

/** A business's payout (Connect) account. */
export const payoutAccounts = pgTable(
  'payout_accounts',
  {
    businessId: uuid('business_id')
      .primaryKey()
      .references(() => businesses.id),
    provider: text('provider', { enum: ['stripe', 'simulated'] }).notNull(),
    accountId: text('account_id').notNull(),
    chargesEnabled: boolean('charges_enabled').notNull().default(false),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('payout_accounts_account_key').on(t.accountId)],
);
