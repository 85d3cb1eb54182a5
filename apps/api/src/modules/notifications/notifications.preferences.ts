import { and, eq, sql } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { notificationPreferences, pushSubscriptions, users } from '@walkydoggy/shared/db';
import {
  NOTIFICATION_TYPES,
  OPTIONAL_CHANNELS,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
  type PushSubscriptionInput,
} from '@walkydoggy/shared';
import type { Db } from '../../platform/db.js';
import type { Clock } from '../../platform/clock.js';
import { NotFound, ValidationFailed } from '../../platform/errors.js';
import { channelEnabled } from '../../platform/notifier.js';

export type PreferencesView = NotificationPreferences & { smsReady: boolean };

/*
 * A person's notification preferences and Web Push subscriptions. Preferences store only what the
 * person changed; reads answer every type and channel, the defaults filled in.
 */
export function createPreferences(d: { db: Db; clock: Clock }) {
  async function get(userId: string): Promise<PreferencesView> {
    const [row] = await d.db
      .select({
        phone: users.phone,
        channels: notificationPreferences.channels,
        quietStart: notificationPreferences.quietStart,
        quietEnd: notificationPreferences.quietEnd,
        timeZone: notificationPreferences.timeZone,
      })
      .from(users)
      .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
      .where(eq(users.id, userId));
    if (!row) throw new NotFound('Account');
    const channels = Object.fromEntries(
      NOTIFICATION_TYPES.map((type) => [type, Object.fromEntries(OPTIONAL_CHANNELS.map((c) => [c, channelEnabled(row.channels, type, c)]))]),
    );
    return {
      channels,
      quietHours: row.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null,
      timeZone: row.timeZone ?? 'UTC',
      smsReady: Boolean(row.phone),
    };
  }

  async function update(userId: string, input: NotificationPreferencesUpdate): Promise<PreferencesView> {
    if (input.timeZone !== undefined && !IANAZone.isValidZone(input.timeZone))
      throw ValidationFailed.field('body.timeZone', 'Unknown time zone: use an IANA name like Europe/Berlin.', 'invalid_time_zone');
    const now = d.clock.now();
    await d.db.transaction(async (tx) => {
      const [current] = await tx.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId)).for('update');
      // Channel choices merge per type: turning SMS off for one type leaves the others as they were.
      const channels: Record<string, Record<string, boolean>> = { ...(current?.channels ?? {}) };
      for (const [type, choice] of Object.entries(input.channels ?? {})) channels[type] = { ...channels[type], ...choice };
      const quiet = input.quietHours === undefined ? { start: current?.quietStart ?? null, end: current?.quietEnd ?? null } : input.quietHours;
      const values = {
        channels,
        quietStart: quiet?.start ?? null,
        quietEnd: quiet?.end ?? null,
        timeZone: input.timeZone ?? current?.timeZone ?? 'UTC',
        updatedAt: now,
      };
      await tx
        .insert(notificationPreferences)
        .values({ userId, ...values })
        .onConflictDoUpdate({ target: notificationPreferences.userId, set: values });
    });
    return get(userId);
  }

  /** Saves the browser's subscription for the caller; an endpoint seen before moves to the caller (a shared device). */
  async function subscribe(userId: string, input: PushSubscriptionInput, userAgent: string | null): Promise<{ id: string; created: boolean }> {
    const values = { userId, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null };
    const [row] = await d.db
      .insert(pushSubscriptions)
      .values({ ...values, createdAt: d.clock.now() })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { ...values, failures: 0 } })
      .returning({ id: pushSubscriptions.id, created: sql<boolean>`(xmax = 0)` });
    return row!;
  }

  async function unsubscribe(userId: string, endpoint: string): Promise<boolean> {
    const rows = await d.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
      .returning({ id: pushSubscriptions.id });
    return rows.length > 0;
  }

  return { get, update, subscribe, unsubscribe };
}
