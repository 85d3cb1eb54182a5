import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, geographyPoint, tstz } from './columns.js';
import { users } from './accounts.js';
import { businesses, media, workers } from './catalog.js';
import { bookings } from './bookings.js';

/*
 * Live walks and notifications (docs/api/live.md): worker presence (the PostGIS live index when Redis
 * is not configured), each booking's track, walk events and report, in-app notifications with their
 * deliveries per channel, preferences and Web Push subscriptions.
 */

/** One row per worker who has gone online at least once: whether they are online and where they were last. */
export const workerPresence = pgTable(
  'worker_presence',
  {
    workerId: uuid('worker_id')
      .primaryKey()
      .references(() => workers.id, { onDelete: 'cascade' }),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Null while offline. */
    onlineAt: tstz('online_at'),
    /** The latest accepted position; read with ST_X/ST_Y. */
    location: geographyPoint('location'),
    accuracyM: doublePrecision('accuracy_m'),
    speedMps: doublePrecision('speed_mps'),
    heading: doublePrecision('heading'),
    /** The device's time of the latest position. */
    recordedAt: tstz('recorded_at'),
    /** The server's time of the latest accepted update: entries older than 5 minutes are not live. */
    seenAt: tstz('seen_at'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('worker_presence_location_idx').using('gist', t.location), index('worker_presence_business_idx').on(t.businessId)],
);

/** A booking's walk as the worker's device recorded it; one row per accepted point. */
export const bookingTrackPoints = pgTable(
  'booking_track_points',
  {
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    recordedAt: tstz('recorded_at').notNull(),
    /** The worker app's sequence number, when it sent one (live updates may not). */
    seq: integer('seq'),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    accuracyM: doublePrecision('accuracy_m'),
    speedMps: doublePrecision('speed_mps'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.bookingId, t.recordedAt] }),
    uniqueIndex('booking_track_points_seq_key')
      .on(t.bookingId, t.seq)
      .where(sql`${t.seq} is not null`),
  ],
);

/** Per booking: when the worker set off, and what was dropped from the track. */
export const bookingTracks = pgTable('booking_tracks', {
  bookingId: uuid('booking_id')
    .primaryKey()
    .references(() => bookings.id, { onDelete: 'cascade' }),
  /** The worker said they are on their way to the pickup. */
  onTheWayAt: tstz('on_the_way_at'),
  duplicates: integer('duplicates').notNull().default(0),
  jumps: integer('jumps').notNull().default(0),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const WALK_EVENT_KIND_VALUES = ['pee', 'poo', 'water', 'food', 'photo', 'note'] as const;

export const walkEvents = pgTable(
  'walk_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: WALK_EVENT_KIND_VALUES }).notNull(),
    at: tstz('at').notNull(),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    note: text('note'),
    mediaId: uuid('media_id').references(() => media.id),
    /** The worker app's id for the event: a resent event is stored once. */
    clientId: text('client_id'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('walk_events_booking_idx').on(t.bookingId, t.at),
    uniqueIndex('walk_events_client_key')
      .on(t.bookingId, t.clientId)
      .where(sql`${t.clientId} is not null`),
    check('walk_events_kind_check', sql`${t.kind} in ('pee', 'poo', 'water', 'food', 'photo', 'note')`),
  ],
);

/** The report of a completed walk: made at completion, remade when late points arrive. */
export const walkReports = pgTable('walk_reports', {
  bookingId: uuid('booking_id')
    .primaryKey()
    .references(() => bookings.id, { onDelete: 'cascade' }),
  startedAt: tstz('started_at').notNull(),
  endedAt: tstz('ended_at').notNull(),
  durationSeconds: integer('duration_seconds').notNull(),
  distanceMeters: integer('distance_meters').notNull(),
  /** GeoJSON MultiLineString coordinates, one line per segment. */
  route: jsonb('route').$type<[number, number][][]>().notNull(),
  points: integer('points').notNull(),
  duplicates: integer('duplicates').notNull().default(0),
  jumps: integer('jumps').notNull().default(0),
  notes: text('notes'),
  /** When the summary mail was enqueued (once). */
  mailedAt: tstz('mailed_at'),
  createdAt: createdAt(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const NOTIFICATION_CHANNEL_VALUES = ['in_app', 'email', 'sms', 'push'] as const;
export const DELIVERY_STATUS_VALUES = ['pending', 'sent', 'failed', 'skipped'] as const;

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    data: jsonb('data')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    readAt: tstz('read_at'),
    /** Set by triggers that could fire twice (a retried job): the same key makes one notification. */
    dedupeKey: text('dedupe_key'),
    createdAt: createdAt(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt),
    index('notifications_unread_idx')
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    index('notifications_created_idx').on(t.createdAt),
    uniqueIndex('notifications_dedupe_key')
      .on(t.userId, t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
  ],
);

/** One row per notification and channel it goes out on: sent once, retried until then. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: NOTIFICATION_CHANNEL_VALUES }).notNull(),
    status: text('status', { enum: DELIVERY_STATUS_VALUES }).notNull().default('pending'),
    /** What the channel sends: a mail template + attachments, an SMS text, a push title/body/url. */
    payload: jsonb('payload')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Quiet hours: not sent before this. */
    notBefore: tstz('not_before'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_deliveries_key').on(t.notificationId, t.channel),
    index('notification_deliveries_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    check('notification_deliveries_channel_check', sql`${t.channel} in ('in_app', 'email', 'sms', 'push')`),
    check('notification_deliveries_status_check', sql`${t.status} in ('pending', 'sent', 'failed', 'skipped')`),
  ],
);

export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** { [type]: { email?, sms?, push? } }; missing entries take the defaults. */
  channels: jsonb('channels')
    .$type<Record<string, Record<string, boolean>>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  timeZone: text('time_zone').notNull().default('UTC'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    failures: integer('failures').notNull().default(0),
    lastSuccessAt: tstz('last_success_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)],
);
