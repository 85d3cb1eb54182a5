import crypto from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { notificationDeliveries, notificationPreferences, notifications, users } from '@walkydoggy/shared/db';
import {
  DEFAULT_CHANNELS,
  deliveryJobName,
  inQuietHours,
  QUIET_CHANNELS,
  type MailAttachment,
  type MailTemplate,
  type NotificationChannel,
  type NotificationType,
  type OptionalChannel,
} from '@walkydoggy/shared';
import type { Executor } from './db.js';
import type { Queue } from './queue.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';

export type NotifyInput = {
  userId: string;
  type: NotificationType;
  title: string;
  message: string;
  /** Ids the web app needs (bookingId, …) and `link`, a path in the web app ("/bookings/<id>"). */
  data?: Record<string, unknown> & { link?: string };
  /** For triggers that may run twice (jobs, retries): one notification per (user, key). */
  dedupeKey?: string;
  /** The e-mail of this notification; default: the generic `notification` template. */
  mail?: MailTemplate;
  attachments?: MailAttachment[];
  /** The SMS text; default "title: message link". */
  sms?: string;
};

export type Notifier = {
  /**
   * Creates the in-app notification(s) and one delivery per channel the person's preferences allow,
   * each with its job in the channel's queue (`notifications.deliver.<channel>`), on `exec` (the transaction of the write that causes it).
   */
  notify(exec: Executor, input: NotifyInput | NotifyInput[]): Promise<void>;
};

/** A delivery is retried this often (with exponential backoff: about 4 minutes in all) before it is given up. */
export const DELIVERY_RETRY_LIMIT = 8;

type Quiet = { start: string; end: string } | null;
/** What the notifier needs to know about a person: preferences, and whether SMS and push can reach them. */
type Recipient = {
  id: string;
  firstName: string;
  phone: string | null;
  channels: Record<string, Record<string, boolean>> | null;
  quietStart: string | null;
  quietEnd: string | null;
  timeZone: string | null;
  hasPush: boolean;
};

/** Whether `channel` is on for `type`: the person's choice, else the default. */
export function channelEnabled(channels: Record<string, Record<string, boolean>> | null, type: NotificationType, channel: OptionalChannel): boolean {
  return channels?.[type]?.[channel] ?? DEFAULT_CHANNELS[type][channel];
}

/**
 * The end of the quiet hours `now` falls in, in the person's time zone; null outside them. The end is
 * a wall-clock time, so across a DST change it is still "07:00" there.
 */
export function quietUntil(now: Date, quiet: Quiet, timeZone: string): Date | null {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const zoned = local.isValid ? local : DateTime.fromJSDate(now, { zone: 'UTC' });
  if (!quiet || !inQuietHours(zoned.toFormat('HH:mm'), quiet)) return null;
  const [hour, minute] = quiet.end.split(':').map(Number);
  let end = zoned.set({ hour, minute, second: 0, millisecond: 0 });
  if (end <= zoned) end = end.plus({ days: 1 });
  return end.toJSDate();
}

export function createNotifier(p: { queue: Queue; clock: Clock; config: Config }): Notifier {
  const absolute = (link: string | undefined) => (link ? `${p.config.publicUrl}${link.startsWith('/') ? '' : '/'}${link}` : null);

  function payloadFor(channel: NotificationChannel, input: NotifyInput, person: Recipient): Record<string, unknown> {
    const link = absolute(input.data?.link);
    switch (channel) {
      case 'in_app':
        return {};
      case 'email':
        return {
          mail: input.mail ?? { template: 'notification', firstName: person.firstName, title: input.title, message: input.message, link },
          ...(input.attachments?.length ? { attachments: input.attachments } : {}),
        };
      case 'sms':
        return { text: input.sms ?? [`${input.title}: ${input.message}`, link].filter(Boolean).join(' ') };
      case 'push':
        return { title: input.title, body: input.message, url: input.data?.link ?? null };
    }
  }

  /** The channels this notification goes out on for this person (in_app always). */
  function channelsFor(input: NotifyInput, person: Recipient): NotificationChannel[] {
    const on = (channel: OptionalChannel) => channelEnabled(person.channels, input.type, channel);
    return [
      'in_app',
      ...(on('email') ? (['email'] as const) : []),
      ...(on('sms') && person.phone ? (['sms'] as const) : []),
      ...(on('push') && person.hasPush ? (['push'] as const) : []),
    ];
  }

  return {
    async notify(exec, input) {
      const inputs = Array.isArray(input) ? input : [input];
      if (!inputs.length) return;
      const now = p.clock.now();
      // Ids chosen here so that the rows the insert returns say which inputs were deduplicated away.
      const rows = inputs.map((i) => ({
        id: crypto.randomUUID(),
        userId: i.userId,
        type: i.type,
        title: i.title,
        message: i.message,
        data: i.data ?? {},
        dedupeKey: i.dedupeKey ?? null,
        createdAt: now,
      }));
      const inserted = await exec
        .insert(notifications)
        .values(rows)
        .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey], where: sql`${notifications.dedupeKey} is not null` })
        .returning({ id: notifications.id });
      const created = new Set(inserted.map((r) => r.id));
      const fresh = rows.map((row, i) => ({ row, input: inputs[i]! })).filter(({ row }) => created.has(row.id));
      if (!fresh.length) return;

      const people = await exec
        .select({
          id: users.id,
          firstName: users.firstName,
          phone: users.phone,
          channels: notificationPreferences.channels,
          quietStart: notificationPreferences.quietStart,
          quietEnd: notificationPreferences.quietEnd,
          timeZone: notificationPreferences.timeZone,
          hasPush: sql<boolean>`exists (select 1 from push_subscriptions ps where ps.user_id = ${users.id})`,
        })
        .from(users)
        .leftJoin(notificationPreferences, sql`${notificationPreferences.userId} = ${users.id}`)
        .where(
          inArray(
            users.id,
            fresh.map((f) => f.input.userId),
          ),
        );
      const byId = new Map(people.map((person) => [person.id, person]));

      const deliveries = fresh.flatMap(({ row, input }) => {
        const person = byId.get(input.userId);
        if (!person) return [];
        const quiet = person.quietStart && person.quietEnd ? { start: person.quietStart, end: person.quietEnd } : null;
        const until = quietUntil(now, quiet, person.timeZone ?? 'UTC');
        return channelsFor(input, person).map((channel) => ({
          id: crypto.randomUUID(),
          notificationId: row.id,
          channel,
          payload: payloadFor(channel, input, person),
          notBefore: until && (QUIET_CHANNELS as readonly string[]).includes(channel) ? until : null,
          createdAt: now,
          updatedAt: now,
        }));
      });
      if (!deliveries.length) return;
      await exec.insert(notificationDeliveries).values(deliveries);

      // One job per delivery, in its channel's queue; those held by quiet hours start when the quiet
      // hours end. pg-boss counts `startAfter` seconds from the database's clock, so the delay is
      // relative to `now`.
      const groups = new Map<string, { channel: NotificationChannel; delay: number; jobs: { deliveryId: string }[] }>();
      for (const d of deliveries) {
        const delay = d.notBefore ? Math.max(0, Math.ceil((d.notBefore.getTime() - now.getTime()) / 1000)) : 0;
        const key = `${d.channel} ${delay}`;
        if (!groups.has(key)) groups.set(key, { channel: d.channel, delay, jobs: [] });
        groups.get(key)!.jobs.push({ deliveryId: d.id });
      }
      for (const { channel, delay, jobs } of groups.values())
        await p.queue.enqueueMany(exec, deliveryJobName(channel), jobs, {
          retryLimit: DELIVERY_RETRY_LIMIT,
          expireInSeconds: p.config.jobs.expireSeconds,
          ...(delay ? { startAfterSeconds: delay } : {}),
        });
    },
  };
}
