import { z } from 'zod';
import { BOOKING_STATUSES } from './bookings.js';

/*
 * The business home (`GET /v1/businesses/:id/overview`, docs/api/catalog.md "Business overview"):
 * today's schedule across the team, requests waiting for an answer, this week's figures, who of the
 * team is online, and what is still missing before the business can be paid.
 */

/** At most this many of today's bookings are listed (the earliest first). */
export const OVERVIEW_TODAY_LIMIT = 100;
/** At most this many requests waiting are listed (the oldest first). */
export const OVERVIEW_REQUESTS_LIMIT = 20;
/** At most this many online workers are listed. */
export const OVERVIEW_ONLINE_LIMIT = 100;

export const PAYOUT_ITEMS = ['account_created', 'details_submitted', 'charges_enabled', 'payouts_enabled'] as const;
export type PayoutItem = (typeof PAYOUT_ITEMS)[number];

const instant = z.string();

export const overviewBookingSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.enum(BOOKING_STATUSES),
  startsAt: instant,
  endsAt: instant,
  serviceName: z.string(),
  /** Null when no worker is assigned (day services). */
  workerName: z.string().nullable(),
  ownerName: z.string(),
  petNames: z.array(z.string()),
  /** "At the business", or the street and city of the owner's place; null when the booking has no address. */
  placeLabel: z.string().nullable(),
  totalMinor: z.number().int(),
  currency: z.string(),
});
export type OverviewBooking = z.infer<typeof overviewBookingSchema>;

export const overviewRequestSchema = overviewBookingSchema.extend({
  createdAt: instant,
  /** When the request expires unless the business answers. */
  expiresAt: instant.nullable(),
});
export type OverviewRequest = z.infer<typeof overviewRequestSchema>;

export const businessOverviewSchema = z.object({
  businessId: z.uuid(),
  timeZone: z.string(),
  /** Today's date and this week's Monday and Sunday in the business's time zone (YYYY-MM-DD). */
  date: z.string(),
  weekStart: z.string(),
  weekEnd: z.string(),
  today: z.array(overviewBookingSchema),
  /** True when today holds more bookings than are listed. */
  todayTruncated: z.boolean(),
  requests: z.array(overviewRequestSchema),
  /** How many requests are waiting in all (the list holds the oldest). */
  requestsTotal: z.number().int(),
  week: z.object({
    /** Bookings starting this week (Monday–Sunday, local), not cancelled, declined or expired. */
    bookings: z.number().int(),
    /** Payments (booking price and tips) taken this week by `paidAt`, minus what was refunded of them. */
    revenueMinor: z.number().int(),
    currency: z.string(),
  }),
  workersOnline: z.array(z.object({ workerId: z.uuid(), name: z.string(), onlineAt: instant })),
  payouts: z.object({
    ready: z.boolean(),
    items: z.array(z.object({ item: z.enum(PAYOUT_ITEMS), label: z.string(), done: z.boolean(), hint: z.string() })),
    /** The web app's page where the owner sets up payouts. */
    setupPath: z.string(),
  }),
});
export type BusinessOverview = z.infer<typeof businessOverviewSchema>;
