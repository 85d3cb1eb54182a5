import { asc, eq, sql } from 'drizzle-orm';
import { notificationDeliveries, notifications, pushSubscriptions } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import type { NotifyInput } from '../../src/platform/notifier.js';
import type { TestApp } from '../support/app.js';

/** Notifies through the platform's notifier in a transaction, as a trigger would. */
export async function notify(t: Pick<TestApp, 'app' | 'db'>, input: NotifyInput | NotifyInput[]) {
  await t.db.transaction((tx) => t.app.platform.notifier.notify(tx, input));
}

export const basic = (userId: string, overrides: Partial<NotifyInput> = {}): NotifyInput => ({
  userId,
  type: 'booking.started',
  title: 'Your walk has started',
  message: 'Rex is out with Sam.',
  data: { bookingId: '00000000-0000-4000-8000-000000000001', link: '/bookings/00000000-0000-4000-8000-000000000001' },
  ...overrides,
});

export async function notificationsOf(t: Pick<TestApp, 'db'>, userId: string) {
  return t.db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(asc(notifications.createdAt), asc(notifications.id));
}

export async function deliveriesOf(t: Pick<TestApp, 'db'>, notificationId: string) {
  return t.db
    .select()
    .from(notificationDeliveries)
    .where(eq(notificationDeliveries.notificationId, notificationId))
    .orderBy(asc(notificationDeliveries.channel));
}

/** The pg-boss job of a delivery: when it may start (the database's clock) and when it was created. */
export async function jobOf(t: Pick<TestApp, 'db'>, deliveryId: string) {
  const [job] = rowsOf<{ id: string; state: string; start_after: Date; created_on: Date; retry_limit: number; expire_seconds: number }>(
    await t.db.execute(
      sql`select id, state, start_after, created_on, retry_limit, expire_seconds from pgboss.job where name like 'notifications.deliver%' and data->>'deliveryId' = ${deliveryId}`,
    ),
  );
  return job;
}

export async function subscribePush(t: Pick<TestApp, 'db'>, userId: string, endpoint = `https://push.example.com/${Math.random().toString(36).slice(2)}`) {
  const [row] = await t.db
    .insert(pushSubscriptions)
    .values({
      userId,
      endpoint,
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    })
    .returning();
  return row!;
}
