import { z } from 'zod';

/*
 * Notifications: types, channels, preferences and the schemas of docs/api/live.md. In-app is always
 * on (it is the record of what happened); e-mail, SMS and push follow the person's preferences, and
 * SMS and push wait for the end of their quiet hours.
 */

export const NOTIFICATION_TYPES = [
  'booking.requested',
  'booking.confirmed',
  'booking.declined',
  'booking.expired',
  'booking.cancelled',
  'booking.started',
  'booking.completed',
  'booking.reminder_24h',
  'booking.reminder_1h',
  'worker.on_the_way',
  'payment.succeeded',
  'payment.refunded',
  'review.received',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'sms', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** The channels a person can turn on and off. */
export const OPTIONAL_CHANNELS = ['email', 'sms', 'push'] as const satisfies readonly NotificationChannel[];
export type OptionalChannel = (typeof OPTIONAL_CHANNELS)[number];
/** Channels held back during quiet hours. */
export const QUIET_CHANNELS = ['sms', 'push'] as const satisfies readonly OptionalChannel[];

export const NOTIFICATION_TYPE_LABELS: Record<NotificationType, string> = {
  'booking.requested': 'New booking requests',
  'booking.confirmed': 'Booking confirmed',
  'booking.declined': 'Booking declined',
  'booking.expired': 'Booking request expired',
  'booking.cancelled': 'Booking cancelled',
  'booking.started': 'Walk or visit started',
  'booking.completed': 'Walk or visit completed (report)',
  'booking.reminder_24h': 'Reminder a day before',
  'booking.reminder_1h': 'Reminder an hour before',
  'worker.on_the_way': 'Your walker is on the way',
  'payment.succeeded': 'Payment received',
  'payment.refunded': 'Refunds',
  'review.received': 'New reviews',
};

/** What someone gets before they change anything: e-mail and push for everything, SMS for what is urgent. */
export const DEFAULT_CHANNELS: Record<NotificationType, Record<OptionalChannel, boolean>> = Object.fromEntries(
  NOTIFICATION_TYPES.map((type) => [type, { email: true, push: true, sms: type === 'worker.on_the_way' || type === 'booking.reminder_1h' }]),
) as Record<NotificationType, Record<OptionalChannel, boolean>>;

export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 22:00.');

export const notificationPreferencesSchema = z.object({
  /** Per type, per optional channel; missing entries take DEFAULT_CHANNELS. */
  channels: z.partialRecord(z.enum(NOTIFICATION_TYPES), z.partialRecord(z.enum(OPTIONAL_CHANNELS), z.boolean())),
  /** Quiet hours for SMS and push ("22:00"–"07:00" spans midnight), in `timeZone`; both null = none. */
  quietHours: z.object({ start: clockTimeSchema, end: clockTimeSchema }).nullable(),
  timeZone: z.string().min(1).max(64),
});
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;
/** `PUT /v1/notifications/preferences`: any subset; `channels` entries merge into the stored ones. */
export const notificationPreferencesUpdateSchema = notificationPreferencesSchema.partial();
export type NotificationPreferencesUpdate = z.infer<typeof notificationPreferencesUpdateSchema>;

export const notificationSchema = z.object({
  id: z.uuid(),
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  message: z.string(),
  /** Ids the web app needs to open what it is about (bookingId, …) and `link`, a path in the web app. */
  data: z.record(z.string(), z.unknown()),
  read: z.boolean(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

/** `POST /v1/notifications/push-subscriptions`: the browser's PushSubscription.toJSON(). */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url().max(2000),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().min(20).max(200), auth: z.string().min(8).max(100) }),
});
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionSchema>;

/** Is `at` (a wall-clock "HH:MM" in the person's zone) inside quiet hours? A span may cross midnight. */
export function inQuietHours(hhmm: string, quiet: { start: string; end: string } | null): boolean {
  if (!quiet || quiet.start === quiet.end) return false;
  return quiet.start < quiet.end ? hhmm >= quiet.start && hhmm < quiet.end : hhmm >= quiet.start || hhmm < quiet.end;
}
