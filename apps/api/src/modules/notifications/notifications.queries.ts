import { and, count, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { notificationDeliveries, notifications } from '@walkydoggy/shared/db';
import { DELIVERY_JOB_NAMES, type NotificationChannel, type NotificationType, type NotificationView } from '@walkydoggy/shared';
import { rowsOf, type Executor } from '../../platform/db.js';
import { cursorKey, olderThanCursor, toPage } from '../businesses/pagination.js';

/*
 * A person's in-app notifications. Every statement is scoped to the caller's user id, so another
 * person's notification id finds nothing (404) instead of someone else's row.
 */

type NotificationRow = typeof notifications.$inferSelect;

export function notificationView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    type: row.type as NotificationType,
    title: row.title,
    message: row.message,
    data: row.data,
    read: row.readAt !== null,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function unreadCount(exec: Executor, userId: string): Promise<number> {
  const [row] = await exec
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export async function listNotifications(exec: Executor, userId: string, q: { limit: number; cursor?: string; unread?: boolean }) {
  const rows = await exec
    .select({ row: notifications, cursorKey: cursorKey(notifications.createdAt, notifications.id) })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        q.unread ? isNull(notifications.readAt) : undefined,
        olderThanCursor(notifications.createdAt, notifications.id, q.cursor),
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit);
  return { items: page.items.map((r) => notificationView(r.row)), nextCursor: page.nextCursor };
}

/** Marks one notification read (keeps the first read time); null when it is not the caller's. */
export async function markRead(exec: Executor, userId: string, id: string, now: Date): Promise<NotificationView | null> {
  const [row] = await exec
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  return row ? notificationView(row) : null;
}

export async function markAllRead(exec: Executor, userId: string, now: Date): Promise<number> {
  const rows = await exec
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function deleteNotification(exec: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await exec
    .delete(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

/** Deletes notifications (and, by cascade, their deliveries) created before `before`; returns how many. */
export async function deleteOlderThan(exec: Executor, before: Date): Promise<number> {
  const rows = await exec.delete(notifications).where(lt(notifications.createdAt, before)).returning({ id: notifications.id });
  return rows.length;
}

/**
 * Deliveries still pending an hour after their last attempt whose job is gone (it ran out of
 * retries, or its queue row was lost): handed a new job, up to `limit` at a time. Those still pending
 * after `giveUpBefore` are marked failed (kept, with their last error, for support to see). A
 * delivery whose job is waiting, retrying or running is left to it, so one delivery never has two jobs.
 */
export async function stuckDeliveries(
  exec: Executor,
  now: Date,
  giveUpBefore: Date,
  limit = 1000,
): Promise<{ retry: { id: string; channel: NotificationChannel }[]; failed: number }> {
  const quietBefore = new Date(now.getTime() - 60 * 60_000);
  const failed = await exec
    .update(notificationDeliveries)
    .set({ status: 'failed', updatedAt: now })
    .where(and(eq(notificationDeliveries.status, 'pending'), lt(notificationDeliveries.createdAt, giveUpBefore)))
    .returning({ id: notificationDeliveries.id });
  const rows = rowsOf<{ id: string; channel: NotificationChannel }>(
    await exec.execute(sql`
      select d.id, d.channel from notification_deliveries d
      where d.status = 'pending' and d.updated_at < ${quietBefore} and (d.not_before is null or d.not_before <= ${now})
        and not exists (
          select 1 from pgboss.job j
          where j.name in (${sql.join(
            DELIVERY_JOB_NAMES.map((name) => sql`${name}`),
            sql`, `,
          )}) and j.data->>'deliveryId' = d.id::text and j.state in ('created', 'retry', 'active')
        )
      order by d.created_at
      limit ${limit}`),
  );
  return { retry: rows, failed: failed.length };
}
